/* terrawatt optimize: read a PyPSA network, solve the linear OPF with GLPK,
 * write the solved network and print a summary (or JSON).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>

#include "cli.h"
#include "terrawatt/json.h"
#include "terrawatt/log.h"
#include "terrawatt/optimize.h"
#include "terrawatt/solution_check.h"

void tw_cmd_optimize_usage(FILE *out) {
  fprintf(out,
          "usage: terrawatt optimize NETWORK(.nc|csv-folder) [--out FILE.nc|DIR] [--csv DIR]\n"
          "                          [--horizon H --overlap O] [--cold]\n"
          "                          [--parallel-windows H [--coarse-step K] [--monolithic-gap]]\n"
          "                          [--method auto|dual|primal|interior] [--presolve]\n"
          "                          [--solver auto|simplex|pdlp] [--pdlp-tol X]\n"
          "                          [--kvl cycle|angle]\n"
          "                          [--time-limit SECONDS] [--tol-primal X] [--tol-dual X]\n"
          "                          [--load-shedding] [--voll CURRENCY_PER_MWH]\n"
          "                          [--write-lp F] [--write-mps F] [--json]\n\n"
          "Solve PyPSA's linear optimal power flow (capacity expansion, storage, links,\n"
          "CO2 caps) for a network in PyPSA's NetCDF export or CSV-folder format.\n\n"
          "  --out PATH        write the solved network: NetCDF when PATH ends in .nc,\n"
          "                    otherwise a PyPSA CSV folder (atomic writes)\n"
          "  --csv DIR         also write a CSV folder\n"
          "  --horizon H       rolling horizon: windows of H snapshots (needs fixed\n"
          "                    capacities and no global constraints)\n"
          "  --overlap O       snapshots re-solved at the start of the next window\n"
          "  --cold            rebuild each window instead of warm-starting GLPK\n"
          "  --parallel-windows H  independent windows of H snapshots, spread over the\n"
          "                    MPI ranks (mpirun -np N), storage levels at their\n"
          "                    boundaries from a coarse pass (needs fixed capacities,\n"
          "                    no global constraints, no ramp limits)\n"
          "  --coarse-step K   snapshots per step of that coarse pass (default 24;\n"
          "                    must divide H)\n"
          "  --monolithic-gap  also solve the whole problem at once and report the\n"
          "                    objective gap of the windows to it\n"
          "  --method M        auto (default: dual simplex with the long-step ratio\n"
          "                    test), dual, primal or interior\n"
          "  --solver S        auto (default: pdlp for cold solves of LPs of 5000 rows\n"
          "                    or more with --method auto, else the simplex), simplex,\n"
          "                    or pdlp (restarted PDHG, on the GPU when one is visible,\n"
          "                    then crossover to the simplex: an exact vertex with\n"
          "                    exact duals)\n"
          "  --pdlp-tol X      PDLP relative residuals and gap before crossover (1e-4)\n"
          "  --kvl F           Kirchhoff's voltage law: cycle (default: one row per\n"
          "                    cycle of a cycle basis) or angle (a voltage-angle column\n"
          "                    per bus, one row per line/transformer); same results\n"
          "  --presolve        GLPK's LP presolver (cold solves only)\n"
          "  --time-limit S    per-solve limit in seconds\n"
          "  --tol-primal X    GLPK primal feasibility tolerance (default 1e-7)\n"
          "  --tol-dual X      GLPK dual feasibility tolerance (default 1e-7)\n"
          "  --load-shedding   allow unserved demand at every bus at --voll (default 10000)\n"
          "  --write-lp F      write the (first window's) LP in CPLEX LP format\n"
          "  --write-mps F     write it in free MPS format\n"
          "  --json            print one JSON object on stdout: status, objective,\n"
          "                    total_cost, global_constraints, solve_seconds,\n"
          "                    build_seconds, iterations, ...\n\n"
          "Exit codes: 0 optimal, 1 usage, 2 bad input, 3 infeasible or unbounded,\n"
          "4 resource (memory, disk), 5 internal (a solution that fails the solution or\n"
          "optimality (KKT) check).\n");
}

/* A number in [min, max] (max: HUGE_VAL for none), else a usage error. */
static int parse_double(const char *opt, const char *text, double min, double max, double *out) {
  char *end = NULL;
  errno = 0;
  double v = text ? strtod(text, &end) : NAN;
  if (!text || !*text || *end || errno || !isfinite(v) || v < min || v > max) {
    if (max < HUGE_VAL)
      return tw_cli_usage_error("optimize", "%s expects a number in %g..%g, got '%s'", opt, min,
                                max, text ? text : "");
    return tw_cli_usage_error("optimize", "%s expects a number >= %g, got '%s'", opt, min,
                              text ? text : "");
  }
  *out = v;
  return 0;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void print_json(const tw_network *net, const tw_optimize_result *r, double read_s,
                       double write_s, const tw_solution_check *chk, int parallel,
                       tw_kvl_formulation kvl) {
  tw_json j;
  tw_json_init(&j);
  tw_json_object_begin(&j);
  tw_json_kv_string(&j, "status", r->status);
  tw_json_kv_number(&j, "objective", r->objective);
  tw_json_kv_number(&j, "total_cost", r->total_cost);
  tw_json_kv_number(&j, "objective_constant", r->objective_constant);
  tw_json_key(&j, "global_constraints");
  tw_json_object_begin(&j);
  for (size_t i = 0; i < net->n_global_constraints; i++)
    tw_json_kv_number(&j, net->global_constraints[i].name, r->gc_mu[i]);
  tw_json_object_end(&j);
  tw_json_kv_number(&j, "co2_t", r->co2_t);
  tw_json_kv_number(&j, "unserved_MWh", r->unserved_MWh);
  tw_json_kv_number(&j, "read_seconds", read_s);
  tw_json_kv_number(&j, "build_seconds", r->build_seconds);
  tw_json_kv_number(&j, "solve_seconds", r->solve_seconds);
  tw_json_kv_number(&j, "write_seconds", write_s);
  tw_json_kv_int(&j, "iterations", r->iterations);
  tw_json_kv_string(&j, "kvl", kvl == TW_KVL_ANGLE ? "angle" : "cycle");
  tw_json_kv_int(&j, "lp_rows", (long long)r->lp_rows);
  tw_json_kv_int(&j, "lp_cols", (long long)r->lp_cols);
  tw_json_kv_int(&j, "lp_nonzeros", (long long)r->lp_nonzeros);
  tw_json_kv_int(&j, "pdlp_iterations", r->pdlp_iterations);
  tw_json_kv_number(&j, "pdlp_seconds", r->pdlp_seconds);
  tw_json_kv_int(&j, "crossover_iterations", r->crossover_iterations);
  tw_json_kv_number(&j, "crossover_seconds", r->crossover_seconds);
  tw_json_kv_int(&j, "windows", (long long)r->n_windows);
  if (parallel) { /* docs/OPTIMIZE.md "Parallel windows" */
    tw_json_kv_number(&j, "coarse_objective", r->coarse_objective);
    tw_json_kv_int(&j, "windows_relaxed", r->windows_relaxed);
    if (!isnan(r->monolithic_objective)) {
      tw_json_kv_number(&j, "monolithic_objective", r->monolithic_objective);
      tw_json_kv_number(&j, "window_gap_rel", r->window_gap_rel);
    }
  }
  tw_json_kv_int(&j, "snapshots", (long long)net->n_snapshots);
  tw_json_kv_int(&j, "buses", (long long)net->n_buses);
  if (r->diagnosis[0]) tw_json_kv_string(&j, "diagnosis", r->diagnosis);
  /* docs/RELIABILITY.md "Optimality": conditioning and KKT residuals */
  tw_json_kv_number(&j, "lp_cost_ratio", r->lp_cost_ratio);
  tw_json_kv_number(&j, "lp_matrix_ratio", r->lp_matrix_ratio);
  tw_json_key(&j, "kkt");
  tw_json_object_begin(&j);
  tw_json_kv_number(&j, "primal_abs", r->kkt_primal_abs);
  tw_json_kv_number(&j, "primal_rel", r->kkt_primal_rel);
  tw_json_kv_number(&j, "dual_abs", r->kkt_dual_abs);
  tw_json_kv_number(&j, "dual_rel", r->kkt_dual_rel);
  tw_json_kv_number(&j, "complementarity_rel", r->kkt_complementarity_rel);
  tw_json_object_end(&j);
  if (chk) { /* docs/RELIABILITY.md: independent check of the solution */
    tw_json_key(&j, "solution_check");
    tw_json_object_begin(&j);
    tw_json_key(&j, "ok");
    tw_json_bool(&j, chk->ok);
    tw_json_kv_number(&j, "max_balance_residual_MW", chk->max_balance_residual_MW);
    tw_json_kv_number(&j, "max_bound_violation", chk->max_bound_violation);
    tw_json_kv_int(&j, "nonfinite", (long long)chk->n_nonfinite);
    tw_json_object_end(&j);
  }
  tw_json_object_end(&j);
  const char *text = tw_json_text(&j);
  if (text) printf("%s\n", text);
  tw_json_free(&j);
}

/* Parallel windows: sum or max over the ranks of MPI_COMM_WORLD, in place. */
static tw_status reduce_world(void *ctx, double *buf, size_t n, int max) {
  (void)ctx;
  for (size_t done = 0; done < n;) { /* MPI counts are int */
    int c = n - done > (size_t)1 << 30 ? 1 << 30 : (int)(n - done);
    if (MPI_Allreduce(MPI_IN_PLACE, buf + done, c, MPI_DOUBLE, max ? MPI_MAX : MPI_SUM,
                      MPI_COMM_WORLD) != MPI_SUCCESS)
      return tw_error(TW_ERR_INTERNAL, "optimize: MPI_Allreduce of window results failed");
    done += (size_t)c;
  }
  return TW_OK;
}

int tw_cmd_optimize(int argc, char **argv) {
  const char *input = NULL, *out = NULL, *csv = NULL;
  int json = 0, rc = 0;
  tw_optimize_params p;
  tw_network *net = NULL;
  tw_optimize_result *r = NULL;
  tw_backend *be = NULL;
  tw_solution_check chk;
  tw_optimize_params_default(&p);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    long n;
    if (tw_cli_is_help(a)) {
      tw_cmd_optimize_usage(stdout);
      return 0;
    } else if (!strcmp(a, "--json")) {
      json = 1;
    } else if (!strcmp(a, "--presolve")) {
      p.presolve = 1;
    } else if (!strcmp(a, "--cold")) {
      p.warm_start = 0;
    } else if (!strcmp(a, "--monolithic-gap")) {
      p.window_monolithic = 1;
    } else if (!strcmp(a, "--parallel-windows") || !strcmp(a, "--coarse-step")) {
      if (tw_cli_parse_int("optimize", a, v, 1, 100000000L, &n)) return 1;
      if (a[2] == 'p') p.window_parallel = (size_t)n;
      else p.window_coarse = (size_t)n;
      i++;
    } else if (!strcmp(a, "--load-shedding")) {
      p.load_shedding = 1;
    } else if (!strcmp(a, "--out") || !strcmp(a, "--csv") || !strcmp(a, "--write-lp") ||
               !strcmp(a, "--write-mps") || !strcmp(a, "--method") || !strcmp(a, "--solver") ||
               !strcmp(a, "--kvl")) {
      if (!v || !*v) return tw_cli_usage_error("optimize", "%s needs a value", a);
      if (!strcmp(a, "--out")) out = v;
      else if (!strcmp(a, "--csv")) csv = v;
      else if (!strcmp(a, "--write-lp")) p.write_lp = v;
      else if (!strcmp(a, "--write-mps")) p.write_mps = v;
      else if (!strcmp(a, "--kvl")) {
        if (!strcmp(v, "cycle")) p.kvl = TW_KVL_CYCLE;
        else if (!strcmp(v, "angle")) p.kvl = TW_KVL_ANGLE;
        else return tw_cli_usage_error("optimize", "--kvl must be cycle or angle, got '%s'", v);
      }
      else if (!strcmp(a, "--solver")) {
        if (!strcmp(v, "auto")) p.solver = TW_SOLVER_AUTO;
        else if (!strcmp(v, "simplex")) p.solver = TW_SOLVER_SIMPLEX;
        else if (!strcmp(v, "pdlp")) p.solver = TW_SOLVER_PDLP;
        else return tw_cli_usage_error("optimize", "--solver must be auto, simplex or pdlp, got '%s'", v);
      }
      else if (!strcmp(v, "auto")) p.method = TW_LP_AUTO;
      else if (!strcmp(v, "dual")) p.method = TW_LP_DUAL;
      else if (!strcmp(v, "primal")) p.method = TW_LP_PRIMAL;
      else if (!strcmp(v, "interior")) p.method = TW_LP_INTERIOR;
      else return tw_cli_usage_error("optimize", "--method must be auto, dual, primal or interior, got '%s'", v);
      i++;
    } else if (!strcmp(a, "--horizon") || !strcmp(a, "--overlap")) {
      if (tw_cli_parse_int("optimize", a, v, a[2] == 'h' ? 1 : 0, 100000000L, &n)) return 1;
      if (a[2] == 'h') p.horizon = (size_t)n;
      else p.overlap = (size_t)n;
      i++;
    } else if (!strcmp(a, "--time-limit")) {
      if (parse_double(a, v, 0, HUGE_VAL, &p.time_limit_s)) return 1;
      i++;
    } else if (!strcmp(a, "--pdlp-tol")) {
      if (parse_double(a, v, 1e-12, 0.1, &p.pdlp_tol)) return 1;
      i++;
    } else if (!strcmp(a, "--tol-primal")) {
      /* GLPK accepts tolerances in (0, 1) only, and above 0.1 the answer
       * is meaningless */
      if (parse_double(a, v, 1e-12, 0.1, &p.tol_primal)) return 1;
      i++;
    } else if (!strcmp(a, "--tol-dual")) {
      if (parse_double(a, v, 1e-12, 0.1, &p.tol_dual)) return 1;
      i++;
    } else if (!strcmp(a, "--voll")) {
      if (parse_double(a, v, 1e-9, HUGE_VAL, &p.value_of_lost_load)) return 1;
      i++;
    } else if (a[0] == '-' && a[1]) {
      return tw_cli_usage_error("optimize", "unknown option '%s'", a);
    } else if (!input) {
      input = a;
    } else {
      return tw_cli_usage_error("optimize", "unexpected argument '%s'", a);
    }
  }
  if (!input) return tw_cli_usage_error("optimize", "missing NETWORK (a .nc file or a CSV folder)");
  if (p.overlap && !p.horizon)
    return tw_cli_usage_error("optimize", "--overlap needs --horizon");
  if (p.horizon && p.overlap >= p.horizon)
    return tw_cli_usage_error("optimize", "--overlap %zu must be smaller than --horizon %zu",
                              p.overlap, p.horizon);
  if (p.window_parallel && p.horizon)
    return tw_cli_usage_error("optimize", "--parallel-windows and --horizon exclude each other");
  if (p.window_parallel && (p.write_lp || p.write_mps))
    return tw_cli_usage_error("optimize", "--write-lp/--write-mps write one LP; not with --parallel-windows");
  if (p.window_parallel && p.window_parallel % p.window_coarse)
    return tw_cli_usage_error("optimize", "--parallel-windows %zu must be a multiple of --coarse-step %zu",
                              p.window_parallel, p.window_coarse);
  if (p.window_parallel && tw_cli_global.mpi_size > 1) {
    p.window_rank = tw_cli_global.mpi_rank;
    p.window_ranks = tw_cli_global.mpi_size;
    p.window_reduce = reduce_world;
  }
  /* with parallel windows every rank holds the whole result; rank 0 writes */
  int writer = !p.window_parallel || tw_cli_global.mpi_rank == 0;
  if (!writer) out = csv = NULL;
  if (tw_cli_require_path("optimize", input)) return TW_ERR_INPUT;
  /* Output paths are checked before the solve, not after it. */
  if (out && tw_cli_check_out_path("optimize", "--out", out, !ends_with(out, ".nc")))
    return TW_ERR_INPUT;
  if (csv && tw_cli_check_out_path("optimize", "--csv", csv, 1)) return TW_ERR_INPUT;
  if (p.write_lp && tw_cli_check_out_path("optimize", "--write-lp", p.write_lp, 0))
    return TW_ERR_INPUT;
  if (p.write_mps && tw_cli_check_out_path("optimize", "--write-mps", p.write_mps, 0))
    return TW_ERR_INPUT;

  double t0 = now_s();
  tw_status st = tw_network_read(input, &net);
  double read_s = now_s() - t0;
  if (st != TW_OK) {
    rc = tw_cli_fail("optimize", st);
    goto cleanup;
  }
  /* PDLP (--solver pdlp, or auto's choice) runs on the process's backend;
   * the simplex needs none, so it never loads CUDA. */
  if (p.solver != TW_SOLVER_SIMPLEX &&
      (st = tw_backend_create_on(tw_cli_global.backend, tw_cli_global.device, &be)) != TW_OK) {
    rc = tw_cli_fail("optimize", st);
    goto cleanup;
  }
  p.backend = be;
  st = tw_optimize_network(net, &p, &r);
  if (st != TW_OK) {
    if (r && json) print_json(net, r, read_s, 0.0, NULL, p.window_parallel > 0, p.kvl);
    rc = tw_cli_fail("optimize", st);
    goto cleanup;
  }
  /* Check the solution against the network before anything is written. */
  if ((st = tw_solution_check_run(net, r, 0, &chk)) != TW_OK) {
    rc = tw_cli_fail("optimize", st);
    goto cleanup;
  }
  char chk_text[512];
  tw_solution_check_describe(&chk, net, chk_text, sizeof chk_text);
  if (!chk.ok) {
    rc = tw_cli_fail("optimize", tw_error(TW_ERR_INTERNAL, "%s: solution check: %s", input, chk_text));
    goto cleanup;
  }
  TW_LOG_I("solution check: %s", chk_text);
  double tw = now_s();
  if (out) {
    st = ends_with(out, ".nc") ? tw_network_write_netcdf(net, r, out)
                               : tw_network_write_csv(net, r, out);
    if (st != TW_OK) {
      rc = tw_cli_fail("optimize", st);
      goto cleanup;
    }
  }
  if (csv && (st = tw_network_write_csv(net, r, csv)) != TW_OK) {
    rc = tw_cli_fail("optimize", st);
    goto cleanup;
  }
  double write_s = now_s() - tw;
  if (writer && json) {
    print_json(net, r, read_s, write_s, &chk, p.window_parallel > 0, p.kvl);
  } else if (writer) {
    printf("status: %s\n", r->status);
    printf("objective: %.10g (PyPSA convention; capex of existing extendable capacity %.10g "
           "subtracted)\n", r->objective, r->objective_constant);
    printf("total cost: %.10g\n", r->total_cost);
    for (size_t i = 0; i < net->n_global_constraints; i++)
      printf("global constraint %s: shadow price %.10g\n", net->global_constraints[i].name,
             r->gc_mu[i]);
    printf("CO2: %.6g t\n", r->co2_t);
    if (p.load_shedding) printf("unserved energy: %.6g MWh\n", r->unserved_MWh);
    printf("windows: %zu, iterations: %ld, read %.3f s, build %.3f s, solve %.3f s, write %.3f s\n",
           r->n_windows, r->iterations, read_s, r->build_seconds, r->solve_seconds, write_s);
    if (p.window_parallel) {
      printf("parallel windows: coarse pass objective %.10g, %ld window(s) relaxed\n",
             r->coarse_objective, r->windows_relaxed);
      if (!isnan(r->monolithic_objective))
        printf("monolithic objective: %.10g, gap of the windows: %.3g%%\n",
               r->monolithic_objective, 100.0 * r->window_gap_rel);
    }
  }
cleanup:
  tw_optimize_result_destroy(&r);
  tw_network_destroy(&net);
  tw_backend_destroy(&be);
  return rc;
}
