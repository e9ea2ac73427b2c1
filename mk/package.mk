# package.mk - installation paths that are built into qhard, shell
# completion, and the Debian package (make deb).

# lib/datapath.c has DATADIR built in (the search path of --policy NAME):
# rebuild it whenever DATADIR changes, e.g. `make` then `make install
# PREFIX=/usr`, so an installed qhard never looks in another prefix.
$(B)/datadir.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@
$(B)/lib/datapath.o: $(B)/datadir.stamp
