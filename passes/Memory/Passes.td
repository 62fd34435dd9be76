//===- Passes.td - memory planning passes -----------------------*- tablegen -*-===//

#ifndef EDGEC_PASSES_MEMORY_PASSES_TD
#define EDGEC_PASSES_MEMORY_PASSES_TD

include "mlir/Pass/PassBase.td"

def ScheduleMemoryPass : Pass<"edge-schedule-memory", "::mlir::func::FuncOp"> {
  let summary = "Order the layers so that the fewest bytes are live at once";
  let description = [{
    Reorders the ops of the function body (a topological order of the same
    graph, so the results are the same) to minimize the arena lower bound
    edge-plan-memory computes: the largest total size of buffers live at one
    step, kernel scratch and in-place layers counted as the planner counts
    them. Branches are where the order matters: a residual block's shortcut
    and body, the heads of a multi-output model, the inputs of a concat.

    The graph splits at the ops every other op reaches or is reached from
    (a chain's layers, a residual block's add); each part between two of
    them is searched exhaustively when it has at most 63 ops and
    `state-limit` sets of done ops, and otherwise takes a greedy order (the
    ready op with the fewest bytes live, then the fewest left after it) where
    that beats its source order. Every part keeps its source order where
    that does not raise the whole graph's bound, so a model whose order is
    already best compiles exactly as before. Weights move to the top of the
    body when anything moves.

    Writes `edge.schedule` on the function: "exact" (every part searched
    exhaustively: no order of the layers has a smaller bound) or "greedy",
    and `edge.schedule_source_bound`, the bound of the source order (larger
    than edge-plan-memory's `edge.arena_lower_bound` exactly when the order
    changed). Needs the chosen kernels (their scratch and in-place
    operands); runs before edge-plan-memory.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"16",
           "Alignment of every buffer, as edge-plan-memory's">,
    Option<"stateLimit", "state-limit", "int64_t", /*default=*/"200000",
           "Sets of done ops an exhaustive search of one part may visit before that part "
           "takes the greedy order">,
  ];
}

def StreamRowsPass : Pass<"edge-stream-rows", "::mlir::func::FuncOp"> {
  let summary = "Mark chains of layers that can run a band of rows at a time";
  let description = [{
    A chain of layers each read only by the next (int8 convolutions, dense
    or depthwise, that conv2d_s8_dsp computes a band of rows at a time, then a last such
    convolution or an int8 add of the chain's result and another tensor of
    the same shape) can run `rows` output rows of its last layer at a time:
    every layer but the last keeps only the band of its output rows the next
    one still needs, in the last layer's scratch, so its whole output never
    exists. No row is computed twice. Where the add's other tensor is the
    chain's input (a residual block), the add may write over it when no
    later step reads the rows it writes.
    Marks `edge.streamed` on every layer of a chain but the last and
    `edge.stream_rows` on the last; edge-plan-memory cuts, swaps and keeps
    streams where that makes the arena smaller. Needs the chosen kernels;
    runs after edge-schedule-memory (the order of the layers run whole) and
    before edge-plan-memory.
  }];
  let options = [
    Option<"rows", "rows", "int64_t", /*default=*/"1",
           "Rows of a stream's last layer's output per step">,
  ];
}

def PlanMemoryPass : Pass<"edge-plan-memory", "::mlir::func::FuncOp"> {
  let summary = "Assign every activation and scratch buffer an offset in one static arena";
  let description = [{
    Takes the op order of the function body as the schedule, computes each
    buffer's lifetime (from its producing op to its last reader, following
    reshape views), and places buffers in one arena with the chosen strategy.
    Graph inputs are read from the caller's buffers and results written
    directly into the caller's output buffers where possible, so neither
    takes arena space. A layer's scratch is the `scratch` of the kernel
    edge-select-kernels chose (`edge.kernel`); a compute op without one is an
    error.

    In place: a layer whose kernel can write over an operand (the kernel
    table's `in_place` column) takes over that operand's buffer when it dies
    at the layer and no other operand reads it; greedy-by-size places such a
    chain as one buffer of its largest size.

    Writes `edge.offset` / `edge.scratch_offset` on ops and
    `edge.arena_size`, `edge.arena_lower_bound`, `edge.arena_alignment` and
    `edge.planner` on the function. The lower bound is the largest total size of buffers live at
    one step: no plan for this schedule can be smaller.
  }];
  let options = [
    Option<"strategy", "strategy", "std::string", /*default=*/"\"greedy-by-size\"",
           "Placement strategy: greedy-by-size (best fit, largest first) or linear (no reuse)">,
    Option<"alignment", "alignment", "int64_t", /*default=*/"16",
           "Alignment of every buffer and of the arena (a target's `alignment`): a power "
           "of two from 8 to 4096">,
  ];
}

def VerifyMemoryPlanPass : Pass<"edge-verify-memory-plan", "::mlir::func::FuncOp"> {
  let summary = "Prove that no two simultaneously live arena buffers overlap";
  let description = [{
    Recomputes buffer sizes and lifetimes independently of the planner and
    checks the offsets it wrote: every buffer placed, aligned to the plan's
    `edge.arena_alignment` (16 when absent),
    inside the arena, and disjoint from every buffer live at the same time,
    except a result at the same offset as an input it may write over (the
    kernel table's `in_place` column; the input dies at that layer). Runs on
    every compile; a violation is an internal error naming both layers.
  }];
}

#endif // EDGEC_PASSES_MEMORY_PASSES_TD
