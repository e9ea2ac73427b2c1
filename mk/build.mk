# build.mk - `qhard build` area (lib/flagaudit, lib/devices_check,
# lib/build_driver, configure-profiles/build.c).
#
# Included before the Makefile's `all:` rule, so pin the default goal: a
# bare `make` must build qhard, not the first rule some mk/*.mk defines.
.DEFAULT_GOAL := all
