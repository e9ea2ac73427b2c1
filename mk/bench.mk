# bench.mk - `make bench`: qhard checksec side by side with checksec.sh,
# scanelf and hardening-check (one run each; ratios and peak RSS go to
# build/bench/results.md). BENCH_SAMPLE files per tree for the slow tools.
BENCH_SAMPLE ?= 60
BENCH_SEED ?= 9
BENCH_TREES ?= /usr/bin /usr/lib/x86_64-linux-gnu
BENCH_REPEAT ?= 5

bench: all
	@python3 bench/bench.py --qhard $(B)/qhard --out $(B)/bench \
		--sample $(BENCH_SAMPLE) --seed $(BENCH_SEED) --trees "$(BENCH_TREES)" \
		--repeat $(BENCH_REPEAT)
