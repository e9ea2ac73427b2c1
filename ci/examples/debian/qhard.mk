# qhard.mk - run qhard gate in a Debian package build.
#
# Include it from debian/rules after the `%: dh $@` rule:
#
#     include /usr/share/qhard/examples/debian/qhard.mk
#
# (or copy the lines below into debian/rules) and add `qhard` to
# Build-Depends (README.md: installing qhard's .deb in the build
# environment). After dh_strip has produced the binaries that will ship,
# the gate checks every binary package's staging tree (debian/<package>/)
# against the policy; a failing binary fails the build, with the report in
# the build log. DEB_BUILD_OPTIONS=noqhard skips the gate.
#
# Variables (environment or debian/rules):
#   QHARD             the qhard program (default: qhard)
#   QHARD_POLICY      policy name or INI path (default: openstack-guide)
#   QHARD_WAIVERS     waiver INI, e.g. debian/qhard-waivers.ini (optional)
#   QHARD_GATE_FLAGS  more options, e.g. --baseline debian/qhard-baseline.json

QHARD ?= qhard
QHARD_POLICY ?= openstack-guide
QHARD_WAIVERS ?=
QHARD_GATE_FLAGS ?=

# debhelper >= 12.8 runs execute_after_dh_strip right after dh_strip, so the
# package's own override_dh_strip (if any) stays untouched.
execute_after_dh_strip:
ifeq (,$(filter noqhard,$(DEB_BUILD_OPTIONS)))
	$(QHARD) gate --policy $(QHARD_POLICY) \
		$(if $(QHARD_WAIVERS),--waivers $(QHARD_WAIVERS)) \
		$(QHARD_GATE_FLAGS) \
		$(addprefix debian/,$(shell dh_listpackages))
endif

# Alternative for packages that gate in the test step instead (the build
# tree, before installation; honours DEB_BUILD_OPTIONS=nocheck):
#
# override_dh_auto_test:
# 	dh_auto_test
# ifeq (,$(filter nocheck noqhard,$(DEB_BUILD_OPTIONS)))
# 	$(QHARD) gate --policy $(QHARD_POLICY) path/to/built/binaries
# endif
