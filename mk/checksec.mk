# checksec.mk - `make fixtures`: compile the ELF fixtures of
# tests/fixtures/fixtures.tab into $(B)/fixtures (the tests do this
# themselves; this target is for poking at them by hand).
.PHONY: fixtures
fixtures:
	@sh tests/fixtures/build.sh $(B)/fixtures
