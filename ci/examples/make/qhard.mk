# qhard.mk - a developer's local check before committing.
# Copy to ci/qhard.mk and include it from the project's Makefile:
#   include ci/qhard.mk
# then `make qhard-check` gates what the build produced, with the same
# policy, waivers and baseline as CI. As a git pre-commit hook:
#   printf '#!/bin/sh\nexec make -s qhard-check\n' > .git/hooks/pre-commit
#   chmod +x .git/hooks/pre-commit

QHARD ?= qhard
QHARD_POLICY ?= openstack-guide
QHARD_PATHS ?= build/
QHARD_WAIVERS ?= $(wildcard ci/qhard-waivers.ini)
QHARD_BASELINE ?= $(wildcard ci/qhard-baseline.json)

.PHONY: qhard-check qhard-baseline
qhard-check:
	$(QHARD) gate --policy $(QHARD_POLICY) \
		$(if $(QHARD_WAIVERS),--waivers $(QHARD_WAIVERS)) \
		$(if $(QHARD_BASELINE),--baseline $(QHARD_BASELINE)) \
		$(QHARD_PATHS)

# Record (or roll forward) the baseline; commit the file.
qhard-baseline:
	$(QHARD) gate --policy $(QHARD_POLICY) \
		--write-baseline ci/qhard-baseline.json $(QHARD_PATHS) || true
