# report.mk - the report emitters' outside judges (tests/cli/t0120): Microsoft's
# SARIF Multitool from the npm registry (mk/npm-tools.sh: npm ci of
# tests/tools/npm into $(QHARD_CACHE)/npm) and xmllint with the JUnit XSDs
# of tests/data. After deps, which may have to install npm's neighbours.
.PHONY: npm-tools
npm-tools: deps
	@sh mk/npm-tools.sh

check asan: npm-tools
