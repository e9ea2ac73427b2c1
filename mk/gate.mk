# gate.mk - qhard gate (ci/): libarchive reads .deb/.rpm/tar packages.
LIBS_PKG += libarchive
