# fuzz.mk - libFuzzer harnesses (tests/fuzz/fuzz_NAME.c), their replay in
# `make check`, and a short fuzzing run for CI.
#
#   make fuzz         build every ready harness into build-fuzz/ (clang,
#                     -fsanitize=fuzzer,address,undefined)
#   make fuzz-smoke   run each harness for FUZZ_SECONDS (default 60), seed
#                     FUZZ_SEED (default 1)
#   make check        also replays tests/fuzz/regress/NAME and
#                     tests/fuzz/corpus/NAME through each harness, built as a
#                     plain program with tests/fuzz/replay_main.c (any $(CC))
#
# Every tests/fuzz/fuzz_NAME.c is built and replayed: a harness cannot drop
# out of make check because a library file moved (it links libqhard.a).

FUZZ_B = build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SEED ?= 1
FUZZ_CC ?= clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -O1


FUZZ_ALL := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_READY := $(FUZZ_ALL)
FUZZ_BINS := $(FUZZ_READY:%=$(FUZZ_B)/fuzz_%)
FUZZ_REPLAY_BINS := $(FUZZ_READY:%=$(B)/fuzz-replay/fuzz_%)

# Replay in make check: the `test` target gains the replay programs and the
# step that runs them.
test: $(FUZZ_REPLAY_BINS)
CHECK_STEPS += tests/fuzz/replay.sh

$(B)/fuzz-replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c \
		tests/fuzz/fuzz_util.h $(B)/libqhard.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Itests/fuzz -o $@ \
		tests/fuzz/fuzz_$*.c tests/fuzz/replay_main.c $(B)/libqhard.a \
		$(ALL_LIBS)

# The library is built once more with coverage hooks (fuzzer-no-link) and
# sanitizers; harnesses link it with the libFuzzer main.
fuzz:
	@$(MAKE) --no-print-directory B=$(FUZZ_B) CC=$(FUZZ_CC) \
		EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
		EXTRA_LDFLAGS="-fsanitize=address,undefined" \
		$(FUZZ_B)/libqhard.a fuzz-harnesses

fuzz-harnesses: $(FUZZ_BINS)

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h $(FUZZ_B)/libqhard.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) \
		-Itests/fuzz -o $@ $< $(FUZZ_B)/libqhard.a $(ALL_LIBS)

# Each harness runs FUZZ_SECONDS from its committed corpus with a fixed seed
# (FUZZ_SEED, default 1) and an emptied scratch dir (build-fuzz/smoke-corpus/,
# never the source tree), so CI follows the path a local run took; a crash,
# leak, hang (> 10 s per input) or OOM (> 2 GB) fails the target and leaves
# the input in build-fuzz/artifacts/NAME/. The long runs are tests/fuzz/long.sh
# (finds in build-fuzz/corpus/) and tests/fuzz/merge.sh (into the corpus).
fuzz-smoke: fuzz
	@FUZZ_B=$(FUZZ_B) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_SEED=$(FUZZ_SEED) \
		sh tests/fuzz/smoke.sh $(FUZZ_READY)

.PHONY: fuzz-harnesses
