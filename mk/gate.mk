# gate.mk - qhard gate (ci/): libarchive reads .deb/.rpm/tar packages; the
# ci/examples integrations are installed beside the policies.
LIBS_PKG += libarchive

install: install-gate-examples
.PHONY: install-gate-examples
install-gate-examples:
	@cd ci/examples && find . -type f | sort | while read -r f; do \
		echo "install -D -m 0644 ci/examples/$${f#./} $(DESTDIR)$(DATADIR)/examples/$${f#./}"; \
		install -D -m 0644 "$$f" "$(DESTDIR)$(DATADIR)/examples/$${f#./}" || exit 1; done
