# audit.mk - libraries of the audit: expat reads libvirt's domain XMLs
# (lib/audit/libvirt_domain.c) for the sVirt image checks.
LIBS_PKG += expat
