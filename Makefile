# crm: PostgreSQL extension (PGXS build)
#
# Developer entry points (see README.md, "Contributing"):
#   make test    install missing packages, build, run every pg_regress and
#                pgTAP suite on a throw-away cluster, print both summaries
#   make demo    same bootstrap, then load the synthetic bank and print the report
#   make bench   benchmarks (bench/), ratios against plain SQL / Python
#   make fuzz    libFuzzer harnesses on the text parsers (FUZZ_SECONDS=60 each,
#                FUZZ_TOTAL_SECONDS=N for the whole run), one summary line each
#   make valgrind  the pg_regress suites in VALGRIND_REGRESS against a server
#                running under valgrind memcheck; fails on any report
#
# Everything else is plain PGXS: make && make install && make installcheck.

EXTENSION   = crm
EXTVERSION  = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" crm.control)

MODULE_big  = crm
OBJS        = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# The install script has one source: the section files in src/sql/, in name
# order.  Released versions' upgrade scripts live in src/upgrade/.
SQL_SECTIONS = $(sort $(wildcard src/sql/*.sql))
DATA_built  = crm--$(EXTVERSION).sql
DATA        = $(wildcard src/upgrade/crm--*--*.sql)

# pg_regress suites, in run order (one file per feature; setup defines the
# error-capturing helper the others use).
REGRESS = setup \
	tiers_type \
	tier \
	presets \
	hysteresis \
	abc \
	quantile_rfm \
	lifecycle \
	bar \
	scorecard \
	kmeans \
	policy \
	rebalance \
	trust_privileges \
	trust_cache \
	catalog
REGRESS_OPTS = --inputdir=. --load-extension=crm

# Warnings are errors by default; CRM_WERROR= (empty) turns that off.
CRM_WERROR ?= -Werror
PG_CFLAGS  += $(CRM_WERROR) -Isrc
PG_CPPFLAGS += -Isrc

EXTRA_CLEAN = results regression.diffs regression.out regress.log tap.log test-summary.log valgrind.log fuzz/build

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS does not track header dependencies; every object depends on every
# header (there are few), so a changed inline function is never stale.
$(OBJS): $(wildcard src/*.h)

crm--$(EXTVERSION).sql: $(SQL_SECTIONS) crm.control
	@printf '%s\n' '-- crm $(EXTVERSION): generated from src/sql/*.sql by make; do not edit' > $@
	@printf '%s\n' '\echo Use "CREATE EXTENSION crm" to load this file. \quit' >> $@
	@for f in $(SQL_SECTIONS); do printf '\n-- source: %s\n' "$$f" >> $@; cat "$$f" >> $@; done

# ---------------------------------------------------------------------------
# The two commands (and friends).  scripts/bootstrap.sh installs the Debian
# packages that are missing; scripts/with-cluster.sh installs this build into
# a temporary prefix, runs a command against a throw-away cluster on a private
# socket that loads crm from there, and removes both afterwards.

.PHONY: bootstrap test demo bench fuzz valgrind

bootstrap:
	scripts/bootstrap.sh

test: bootstrap
	$(MAKE) all
	@rm -f test-summary.log
	@rc=0; scripts/with-cluster.sh scripts/run-tests.sh || rc=$$?; \
	if [ $$rc -ne 0 ] && [ -f test-summary.log ]; then echo "== make test failed:"; cat test-summary.log; fi; \
	exit $$rc

demo: bootstrap
	$(MAKE) all
	scripts/with-cluster.sh scripts/run-demo.sh

# BENCH=name runs one benchmark (bench/<name>.sh); default all of them.
bench:
	scripts/bootstrap.sh bench
	$(MAKE) all
	CRM_CLUSTER_OPTS="-o shared_buffers=2GB -o work_mem=256MB" \
		scripts/with-cluster.sh bench/run.sh $(BENCH)

# FUZZ_SECONDS per harness; FUZZ_TOTAL_SECONDS caps the whole run (builds
# included) by shortening each harness's share; FUZZ_JOBS side by side.
FUZZ_SECONDS ?= 60
FUZZ_TOTAL_SECONDS ?=
fuzz:
	scripts/bootstrap.sh fuzz
	FUZZ_TOTAL_SECONDS=$(FUZZ_TOTAL_SECONDS) fuzz/run.sh $(FUZZ_SECONDS)

# The suites that run under valgrind memcheck (scripts/valgrind-check.sh):
# the ones that exercise aggregate states, the text/binary parsers and the
# rebalance solver; setup comes first (the others use its helper).  Add
# suites for one run with VALGRIND_SUITES="name ...", or for good here;
# VALGRIND_SUITES=all runs every suite in REGRESS (what .ci/run does).
VALGRIND_REGRESS = setup tiers_type scorecard kmeans policy rebalance
VALGRIND_SUITES ?=
ifeq ($(strip $(VALGRIND_SUITES)),all)
valgrind_run = $(REGRESS)
else
valgrind_run = $(VALGRIND_REGRESS) $(filter-out $(VALGRIND_REGRESS),$(VALGRIND_SUITES))
endif
valgrind:
	scripts/bootstrap.sh valgrind
	$(MAKE) all
	scripts/valgrind-check.sh $(valgrind_run)
