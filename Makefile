# qhard - one Makefile for the library, the tool, tests, docs and benches.
#
#   make            build build/qhard (and build/libqhard.a)
#   make run        install deps, build, run the main job
#   make check      install deps, build, run every test
#   make install    PREFIX=/usr/local DESTDIR=
#   make deb        qhard's Debian package in build/deb (mk/deb.sh)
#   make asan       the whole test suite under ASan+UBSan
#   make fuzz       build the libFuzzer harnesses (clang)
#   make bench      speed against checksec.sh, scanelf, hardening-check
#
# Each area may add rules in mk/<area>.mk (included below): extra libraries
# (LIBS_PKG, LIBS_EXTRA), extra test steps (CHECK_STEPS), bench steps.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/qhard
# deep.so and pkg.so (lib/modules.h); Debian would use /usr/lib/<triplet>/qhard
MODULEDIR ?= $(PREFIX)/lib/qhard
DESTDIR ?=

CC ?= cc
ifeq ($(origin CC),default)
CC = gcc
endif
B ?= build
# Downloads and long builds (Debian's QEMU source, QEMU build dirs) live here
# and survive `make clean`; build/ and build-asan/ share it.
QHARD_CACHE ?= $(CURDIR)/.cache
export QHARD_CACHE

# qhard builds itself with the hardening it checks for.
HARDEN_CFLAGS = -O2 -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 \
	-fstack-protector-strong -fstack-clash-protection \
	-fcf-protection=full -fPIE -fno-strict-overflow \
	-Wformat -Werror=format-security
HARDEN_LDFLAGS = -pie -Wl,-z,relro,-z,now,-z,noexecstack -Wl,--as-needed
WARN_CFLAGS = -Wall -Wextra -Werror
CFLAGS ?= -g
CPPFLAGS ?=
LDFLAGS ?=

# pkg-config names of the libraries lib/ links against; areas append.
LIBS_PKG = jansson libelf inih
LIBS_EXTRA = -lpthread

-include mk/*.mk

PKG_CFLAGS := $(shell pkg-config --cflags $(LIBS_PKG) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(LIBS_PKG) 2>/dev/null)

# CPPFLAGS come before qhard's hardening, which replaces a weaker
# _FORTIFY_SOURCE level (dpkg-buildflags gives 2) instead of redefining it.
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DQHARD_DATADIR='"$(DATADIR)"' $(CPPFLAGS) \
	$(WARN_CFLAGS) $(HARDEN_CFLAGS) $(PIC_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS) \
	-iquote lib -iquote tool $(PKG_CFLAGS)
ALL_LDFLAGS = $(HARDEN_LDFLAGS) $(LDFLAGS) $(EXTRA_LDFLAGS)
ALL_LIBS = $(PKG_LIBS) $(LIBS_EXTRA)

# lib/'s flat core and one folder per subsystem (lib/emit/, lib/qemu/ ...);
# lib/dl/ is built apart (the tool's module loader, see below).
LIB_SRCS := $(sort $(wildcard lib/*.c) $(filter-out lib/dl/%,$(wildcard lib/*/*.c)))
TOOL_SRCS := $(sort $(wildcard tool/*.c checksec/*.c configure-profiles/*.c audit/*.c ci/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
TOOL_OBJS := $(TOOL_SRCS:%.c=$(B)/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
# Test helpers with a main() of their own (tests/tools/NAME.c), e.g. the
# Kconfig evaluator behind minikconf's command line.
TEST_TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
TEST_TOOL_BINS := $(TEST_TOOL_SRCS:tests/tools/%.c=$(B)/tests/tools/%)
MAN_SRCS := $(sort $(wildcard docs/*.scd))
MAN_PAGES := $(MAN_SRCS:docs/%.scd=$(B)/man/%)
MODULES := $(B)/modules/deep.so $(B)/modules/pkg.so
# lib/ also goes into the modules, which are shared objects
$(LIB_OBJS) $(B)/lib/dl/module_version.o: PIC_CFLAGS = -fPIC

.PHONY: FORCE all deps run check test unit cli install uninstall asan fuzz \
	fuzz-smoke bench clean man

all: $(B)/qhard $(MODULES) man

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libqhard.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The tool binary: lib/dl/modules.o stands in for lib/deep/ and lib/pkg/,
# so capstone, libbfd, libdw and libarchive are not linked in (--as-needed
# drops them) but loaded with the modules (lib/modules.h).
$(B)/qhard: $(TOOL_OBJS) $(B)/lib/dl/modules.o $(B)/lib/dl/datadir.o $(B)/libqhard.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(TOOL_OBJS) $(B)/lib/dl/modules.o \
		$(B)/lib/dl/datadir.o $(B)/libqhard.a $(ALL_LIBS)

# build/qhard finds the build tree's modules and data (policies, profiles:
# $(B)/share/qhard); the installed one $(MODULEDIR) and $(DATADIR).
$(B)/lib/dl/modules.o: lib/dl/modules.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DQHARD_MODULEDIR='"$(abspath $(B))/modules"' -MMD -MP -c -o $@ $<
$(B)/lib/dl/datadir.o: lib/dl/datadir.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DQHARD_TOOL_DATADIR='"$(abspath $(B))/share/qhard"' -MMD -MP -c -o $@ $<
$(B)/install/modules.o: lib/dl/modules.c FORCE
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DQHARD_MODULEDIR='"$(MODULEDIR)"' -c -o $@ $<
$(B)/install/datadir.o: lib/dl/datadir.c FORCE
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DQHARD_TOOL_DATADIR='"$(DATADIR)"' -c -o $@ $<
$(B)/install/qhard: $(TOOL_OBJS) $(B)/install/modules.o $(B)/install/datadir.o $(B)/libqhard.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(TOOL_OBJS) $(B)/install/modules.o \
		$(B)/install/datadir.o $(B)/libqhard.a $(ALL_LIBS)

# A module: its entry point pulls what it needs out of libqhard.a; the
# version script exports only the entry and qh_module_version.
MODULE_LDFLAGS = -shared -Wl,-z,relro,-z,now,-z,noexecstack -Wl,--as-needed \
	$(LDFLAGS) $(EXTRA_LDFLAGS)
$(B)/modules/%.so: $(B)/lib/dl/module_version.o $(B)/libqhard.a lib/dl/%.map
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(MODULE_LDFLAGS) -Wl,--version-script=lib/dl/$*.map \
		$(patsubst %,-Wl$(comma)-u$(comma)%,$(MODULE_ENTRY_$*)) -o $@ \
		$(B)/lib/dl/module_version.o $(B)/libqhard.a $(ALL_LIBS)
comma := ,
MODULE_ENTRY_deep = qh_deep_run
MODULE_ENTRY_pkg = qh_pkg_foreach_elf

# Unit tests: one cmocka program per tests/unit/test_*.c, linked with the
# library and the tool helpers (tests may call tool/ code, never main()).
$(B)/tests/%: tests/unit/%.c $(B)/libqhard.a $(filter-out $(B)/tool/qhard.o,$(TOOL_OBJS))
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -iquote tests/unit -o $@ $< \
		$(filter-out $(B)/tool/qhard.o,$(TOOL_OBJS)) $(B)/libqhard.a \
		$(ALL_LIBS) -lcmocka

$(B)/tests/tools/%: tests/tools/%.c $(B)/libqhard.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/libqhard.a $(ALL_LIBS)

man: $(MAN_PAGES)
$(B)/man/%: docs/%.scd
	@mkdir -p $(dir $@)
	@if command -v scdoc >/dev/null; then scdoc < $< > $@; \
	else echo "scdoc not installed: skipping $@ (make deps installs it)"; fi

deps:
	@sh mk/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory run-main

# The main job: build the kvm-virtio-minimal profile on Debian's QEMU
# (QEMU=10.0 by default; 7.2, 10.2, 10.0-bpo: see mk/qemu-versions).
QEMU ?= 10.0
run-main:
	@QEMU=$(QEMU) sh mk/run-main.sh $(B)/qhard

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory test

test: $(B)/qhard $(UNIT_BINS) $(TEST_TOOL_BINS)
	@B=$(B) QHARD=$(abspath $(B)/qhard) CC_UNDER_TEST=$(CC) \
		sh tests/run.sh $(UNIT_BINS) -- $(sort $(wildcard tests/cli/t[0-9]*.sh)) $(CHECK_STEPS)

install: all $(B)/install/qhard
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MODULEDIR)
	install -m 0755 $(B)/install/qhard $(DESTDIR)$(BINDIR)/qhard
	install -m 0644 $(MODULES) $(DESTDIR)$(MODULEDIR)/
	@for m in $(MAN_PAGES); do [ -f $$m ] || continue; \
		s=$${m##*.}; install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	@if [ -d configure-profiles/profiles ]; then install -d $(DESTDIR)$(DATADIR)/profiles && \
		install -m 0644 configure-profiles/profiles/*.ini $(DESTDIR)$(DATADIR)/profiles/; fi
	@if [ -d ci/policies ]; then install -d $(DESTDIR)$(DATADIR)/policies && \
		install -m 0644 ci/policies/*.ini $(DESTDIR)$(DATADIR)/policies/; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/qhard
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(MODULEDIR)

# Whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer.
# Known third-party leaks are suppressed in tests/lsan.supp (reasons there).
# intercept_tls_get_addr=0: the documented workaround for LeakSanitizer's
# tracer crash ("Tracer caught signal 11", google/sanitizers#1322: its
# __tls_get_addr interceptor misreads glibc >= 2.25's dynamic TLS blocks),
# which --deep's threads can trigger and which exits 1, the code of a
# policy failure: with it a test can never take one for the other.
asan: deps
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0:intercept_tls_get_addr=0 \
	$(MAKE) --no-print-directory B=build-asan CC=clang \
		EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -O1" \
		EXTRA_LDFLAGS="-fsanitize=address,undefined" all test

clean:
	rm -rf $(B) build-asan build-fuzz

distclean: clean
	rm -rf $(QHARD_CACHE)

-include $(LIB_OBJS:.o=.d) $(TOOL_OBJS:.o=.d) $(B)/lib/dl/modules.d \
	$(B)/lib/dl/module_version.d $(B)/lib/dl/datadir.d
