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
