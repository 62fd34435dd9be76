/*===- qemu-icount.c - QEMU TCG plugin: instructions between two addresses -===*
 *
 * Loaded by `edgec verify` into qemu-system-arm / qemu-system-riscv32:
 *
 *   -plugin libedgec-qemu-icount.so,begin=0x1234,end=0x1250,out=counts.json
 *
 * Counts every guest instruction executed (per translation block, inline, so
 * the count does not depend on host timing) and, separately, the
 * instructions between each execution of `begin` and the next execution of
 * `end` (the harness calls edgec_region_begin / edgec_region_end around one
 * inference). At exit it writes {"total": N, "region": N, "regions": N}.
 * With profile=FILE it also writes, per translation block executed, its
 * start address and the instructions it executed ("0x1234 5678" lines), which
 * `scripts/profile-mcu.sh` attributes to functions (one per layer kernel).
 *
 * With cycles=m4 or cycles=m55 it also estimates cycles: each instruction is
 * weighed at translation by its mnemonic (QEMU's disassembly) under a simple
 * in-order model, the weights of a block are added per execution like the
 * instructions, and the JSON gains "cycles" and "region_cycles". The model
 * (docs/targets.md, "Estimated cycles"):
 *   m4   loads 2 cycles (LDRD 3, LDM / POP 1 + registers), stores 1 (STRD 2,
 *        STM / PUSH 1 + registers), branches 2 (taken and not taken
 *        averaged; BL, BLX, BX 3), SDIV / UDIV 7, VDIV / VSQRT 14, the rest
 *        (ALU, MUL, SMLAD, SMLAL, SSAT, IT, FP) 1;
 *   m55  as m4 for scalar code, each Helium instruction 2 (two beats on the
 *        64-bit datapath; the overlap of a load with a MAC is not counted,
 *        so an upper estimate).
 * It is an estimate: no caches, wait states or pipeline interlocks.
 *
 * Debian's QEMU exports the plugin API but ships no header, so the handful
 * of declarations used here are written out below; they are the stable C
 * API of QEMU_PLUGIN_VERSION 1 (QEMU 7.x, include/qemu/qemu-plugin.h).
 *===----------------------------------------------------------------------===*/
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb,
                                    void *userdata);
struct qemu_plugin_insn;
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
char *qemu_plugin_insn_disas(const struct qemu_plugin_insn *insn);

#define EXPORT __attribute__((visibility("default")))

EXPORT int qemu_plugin_version = 1;

static uint64_t count, begin_addr, end_addr, begin_count, region;
/* Estimated cycles (cycles=MODEL), counted as `count` is. */
enum cycle_model { NO_CYCLES, CYCLES_M4, CYCLES_M55 };
static enum cycle_model cycle_model;
static uint64_t cycles, begin_cycles, region_cycles;
/* Per-layer counts: instructions from the region's start (or the previous
 * layer's resume marker) to each entry of the layer marker. */
static uint64_t layer_addr, resume_addr, last_resume;
static uint64_t *layers;
static unsigned n_layers, cap_layers;
static unsigned regions;
static bool in_region;
static const char *out_path, *profile_path;

/* Per translation block counters for profile=FILE (a block can be translated
 * more than once; each translation gets its own record). */
struct block {
  uint64_t pc, insns;
  struct block *next;
};
static struct block *blocks;

static void on_begin(unsigned int vcpu, void *userdata) {
  (void)vcpu;
  (void)userdata;
  begin_count = count;
  begin_cycles = cycles;
  last_resume = count;
  in_region = true;
}

static void on_layer(unsigned int vcpu, void *userdata) {
  (void)vcpu;
  (void)userdata;
  if (!in_region)
    return;
  if (n_layers == cap_layers) {
    unsigned cap = cap_layers ? 2 * cap_layers : 64;
    uint64_t *grown = realloc(layers, cap * sizeof *layers);
    if (!grown)
      return;
    layers = grown;
    cap_layers = cap;
  }
  layers[n_layers++] = count - last_resume;
}

static void on_resume(unsigned int vcpu, void *userdata) {
  (void)vcpu;
  (void)userdata;
  last_resume = count;
}

static void on_end(unsigned int vcpu, void *userdata) {
  (void)vcpu;
  (void)userdata;
  if (!in_region)
    return;
  region += count - begin_count;
  region_cycles += cycles - begin_cycles;
  regions++;
  in_region = false;
}

static bool starts(const char *s, const char *prefix) {
  return !strncmp(s, prefix, strlen(prefix));
}

/* Registers in a "{r4, r5, pc}" list; *pc is set when it holds pc. */
static unsigned list_registers(const char *text, bool *pc) {
  const char *open = strchr(text, '{'), *close = open ? strchr(open, '}') : NULL;
  if (!open || !close)
    return 1;
  unsigned n = 1;
  for (const char *c = open; c < close; c++)
    n += *c == ',';
  *pc = strstr(open, "pc") && strstr(open, "pc") < close;
  return n;
}

/* Estimated cycles of one instruction from its disassembly (the model in
 * the header comment). */
static unsigned insn_cycles(const char *text) {
  char m[16] = {0};
  size_t k = 0;
  while (text[k] && text[k] != ' ' && k + 1 < sizeof m) {
    m[k] = text[k];
    k++;
  }
  const char *ops = text + k;
  if (cycle_model == CYCLES_M55 &&
      (starts(m, ".byte") || starts(m, "ldc") || starts(m, "stc") || starts(m, "cdp") ||
       (m[0] == 'v' && (strstr(ops, " q") || strstr(ops, ",q")))))
    return 2; /* Helium (capstone names some of them as coprocessor ops) */
  bool pc = false;
  if (starts(m, "pop") || starts(m, "ldm")) {
    unsigned n = list_registers(ops, &pc);
    return 1 + n + (pc ? 2 : 0);
  }
  if (starts(m, "push") || starts(m, "stm") || starts(m, "vpush") || starts(m, "vpop") ||
      starts(m, "vldm") || starts(m, "vstm"))
    return 1 + list_registers(ops, &pc);
  if (starts(m, "ldrd"))
    return 3;
  if (starts(m, "ldr") || starts(m, "vldr"))
    return 2;
  if (starts(m, "strd"))
    return 2;
  if (starts(m, "bl") && !starts(m, "bls") && !starts(m, "blt") && !starts(m, "ble") &&
      !starts(m, "blo"))
    return 3; /* bl, blx */
  if (starts(m, "bx"))
    return 3;
  if (m[0] == 'b' && !starts(m, "bic") && !starts(m, "bfi") && !starts(m, "bfc") &&
      !starts(m, "bkpt"))
    return 2;
  if (starts(m, "cbz") || starts(m, "cbnz") || starts(m, "tbb") || starts(m, "tbh"))
    return 2;
  if (starts(m, "sdiv") || starts(m, "udiv"))
    return 7;
  if (starts(m, "vdiv") || starts(m, "vsqrt"))
    return 14;
  return 1;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  /* Thumb code addresses carry the mode in bit 0 of the symbol, not the PC. */
  uint64_t pc = qemu_plugin_tb_vaddr(tb) & ~(uint64_t)1;
  /* The callbacks run before the block's own instructions are added. */
  if (pc == begin_addr)
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_begin, QEMU_PLUGIN_CB_NO_REGS, NULL);
  if (pc == end_addr)
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_end, QEMU_PLUGIN_CB_NO_REGS, NULL);
  if (layer_addr && pc == layer_addr)
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_layer, QEMU_PLUGIN_CB_NO_REGS, NULL);
  if (resume_addr && pc == resume_addr)
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_resume, QEMU_PLUGIN_CB_NO_REGS, NULL);
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &count,
                                           qemu_plugin_tb_n_insns(tb));
  if (cycle_model != NO_CYCLES) {
    uint64_t weight = 0;
    for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); i++) {
      char *text = qemu_plugin_insn_disas(qemu_plugin_tb_get_insn(tb, i));
      weight += text ? insn_cycles(text) : 1;
      free(text);
    }
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &cycles, weight);
  }
  if (profile_path) {
    struct block *b = calloc(1, sizeof *b);
    if (!b)
      return;
    b->pc = pc;
    b->next = blocks;
    blocks = b;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->insns,
                                             qemu_plugin_tb_n_insns(tb));
  }
}

static void on_qemu_exit(qemu_plugin_id_t id, void *userdata) {
  (void)id;
  (void)userdata;
  FILE *f = out_path ? fopen(out_path, "w") : stderr;
  if (!f)
    return;
  fprintf(f, "{\"total\": %llu, \"region\": %llu, \"regions\": %u, ",
          (unsigned long long)count, (unsigned long long)region, regions);
  if (cycle_model != NO_CYCLES)
    fprintf(f, "\"cycles\": %llu, \"region_cycles\": %llu, ", (unsigned long long)cycles,
            (unsigned long long)region_cycles);
  fprintf(f, "\"layers\": [");
  for (unsigned k = 0; k < n_layers; k++)
    fprintf(f, "%s%llu", k ? ", " : "", (unsigned long long)layers[k]);
  fprintf(f, "]}\n");
  if (f != stderr)
    fclose(f);
  FILE *p = profile_path ? fopen(profile_path, "w") : NULL;
  if (!p)
    return;
  for (struct block *b = blocks; b; b = b->next)
    if (b->insns)
      fprintf(p, "0x%llx %llu\n", (unsigned long long)b->pc, (unsigned long long)b->insns);
  fclose(p);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                               char **argv) {
  (void)info;
  for (int i = 0; i < argc; i++) {
    if (!strncmp(argv[i], "begin=", 6))
      begin_addr = strtoull(argv[i] + 6, NULL, 0) & ~(uint64_t)1;
    else if (!strncmp(argv[i], "end=", 4))
      end_addr = strtoull(argv[i] + 4, NULL, 0) & ~(uint64_t)1;
    else if (!strncmp(argv[i], "out=", 4))
      out_path = argv[i] + 4;
    else if (!strncmp(argv[i], "layer=", 6))
      layer_addr = strtoull(argv[i] + 6, NULL, 0) & ~(uint64_t)1;
    else if (!strncmp(argv[i], "resume=", 7))
      resume_addr = strtoull(argv[i] + 7, NULL, 0) & ~(uint64_t)1;
    else if (!strncmp(argv[i], "profile=", 8))
      profile_path = argv[i] + 8;
    else if (!strcmp(argv[i], "cycles=m4"))
      cycle_model = CYCLES_M4;
    else if (!strcmp(argv[i], "cycles=m55"))
      cycle_model = CYCLES_M55;
    else {
      fprintf(stderr, "edgec-qemu-icount: unknown argument '%s'\n", argv[i]);
      return -1;
    }
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
  return 0;
}
