# package.mk - installation paths that are built into qhard, shell
# completion, and the Debian package (make deb).

# lib/datapath.c has DATADIR built in (the search path of --policy NAME):
# rebuild it whenever DATADIR changes, e.g. `make` then `make install
# PREFIX=/usr`, so an installed qhard never looks in another prefix.
$(B)/datadir.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@
$(B)/lib/datapath.o: $(B)/datadir.stamp

# Shell completion, written by qhard itself from its option tables (the
# ones --help prints): tool/completion.h. A cross build, whose qhard cannot
# run here, passes a native one: make QHARD_GEN=/usr/bin/qhard.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
QHARD_GEN ?= $(B)/qhard
COMPLETIONS := $(B)/completion/qhard $(B)/completion/_qhard

all: $(COMPLETIONS)
$(B)/completion/qhard: $(B)/qhard
	@mkdir -p $(dir $@)
	$(QHARD_GEN) --completion bash >$@.tmp && mv $@.tmp $@
$(B)/completion/_qhard: $(B)/qhard
	@mkdir -p $(dir $@)
	$(QHARD_GEN) --completion zsh >$@.tmp && mv $@.tmp $@

install: install-completion
.PHONY: install-completion
install-completion: $(COMPLETIONS)
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0644 $(B)/completion/qhard $(DESTDIR)$(BASHCOMPDIR)/qhard
	install -m 0644 $(B)/completion/_qhard $(DESTDIR)$(ZSHCOMPDIR)/_qhard

uninstall: uninstall-completion
.PHONY: uninstall-completion
uninstall-completion:
	rm -f $(DESTDIR)$(BASHCOMPDIR)/qhard $(DESTDIR)$(ZSHCOMPDIR)/_qhard

# The tests a package build runs (debian/rules, dh_auto_test): the unit
# tests that need no fixture compilers (clang, cross gcc) and the CLI tests
# of what the package installs. make check runs everything.
PACKAGE_UNIT_TESTS = datapath policy waivers baseline report kconfig cmacro \
	qom_index libvirt_conf fortify resolver devices_check
PACKAGE_CLI_TESTS = t0001-help t0002-data-names t0003-completion
.PHONY: test-package
test-package: $(B)/qhard $(PACKAGE_UNIT_TESTS:%=$(B)/tests/test_%)
	@B=$(B) QHARD=$(abspath $(B)/qhard) CC_UNDER_TEST=$(CC) sh tests/run.sh \
		$(PACKAGE_UNIT_TESTS:%=$(B)/tests/test_%) -- \
		$(PACKAGE_CLI_TESTS:%=tests/cli/%.sh)

# make deb: qhard's Debian package, built as from a clean checkout, checked
# with lintian and gated by the qhard inside it (mk/deb.sh), in DEB_OUT.
DEB_OUT ?= $(B)/deb
.PHONY: deb
deb:
	@sh mk/deb.sh $(DEB_OUT)
