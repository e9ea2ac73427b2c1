# gate.mk - qhard gate (ci/): libarchive reads .deb/.rpm/tar packages; the
# ci/examples integrations are installed beside the policies.
LIBS_PKG += libarchive

install: install-gate-examples
.PHONY: install-gate-examples
install-gate-examples:
	install -d $(DESTDIR)$(DATADIR)/examples
	install -m 0644 ci/examples/* $(DESTDIR)$(DATADIR)/examples/
