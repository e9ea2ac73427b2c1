# package.mk - installation paths that are built into qhard, shell
# completion, and the Debian package (make deb).

# build/qhard's data dir (lib/dl/datadir.c): the source tree's policies,
# profiles and CI examples under the names they are installed with, so
# `build/qhard gate --policy strict` finds ci/policies/strict.ini.
all: $(B)/share/qhard/policies $(B)/share/qhard/profiles $(B)/share/qhard/examples
$(B)/share/qhard/policies: ; @mkdir -p $(dir $@) && ln -sfn $(CURDIR)/ci/policies $@
$(B)/share/qhard/profiles: ; @mkdir -p $(dir $@) && ln -sfn $(CURDIR)/configure-profiles/profiles $@
$(B)/share/qhard/examples: ; @mkdir -p $(dir $@) && ln -sfn $(CURDIR)/ci/examples $@

# Shell completion, written at install time by the qhard being installed
# (it names that qhard's data dir) from its option tables, the ones --help
# prints: tool/completion.h. A cross build, whose qhard cannot run here,
# passes a native one built with the same DATADIR: make install
# QHARD_GEN=/path/to/qhard.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
QHARD_GEN ?= $(B)/install/qhard

install: install-completion
.PHONY: install-completion
install-completion: $(B)/install/qhard
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	$(QHARD_GEN) --completion bash >$(B)/install/qhard.bash
	$(QHARD_GEN) --completion zsh >$(B)/install/qhard.zsh
	install -m 0644 $(B)/install/qhard.bash $(DESTDIR)$(BASHCOMPDIR)/qhard
	install -m 0644 $(B)/install/qhard.zsh $(DESTDIR)$(ZSHCOMPDIR)/_qhard

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
