// RUN: edgec-opt --edge-select-kernels --edge-plan-memory --edge-verify-memory-plan %s | FileCheck %s --check-prefix=A16
// RUN: edgec-opt --edge-select-kernels --edge-plan-memory=alignment=8 --edge-verify-memory-plan %s | FileCheck %s --check-prefix=A8
// RUN: not edgec-opt --edge-select-kernels --edge-plan-memory=alignment=4 %s 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not edgec-opt --edge-select-kernels --edge-plan-memory=alignment=24 %s 2>&1 | FileCheck %s --check-prefix=BAD

// The target's alignment (edge-plan-memory{alignment}) rounds every 20-byte
// buffer: to 32 by default, to 24 at 8; the plan records it for the
// verifier and the generated header. (Transposes: a copy that never runs in
// place, so the buffers stay apart.)
// A16: edge.arena_alignment = 16 : i64, edge.arena_lower_bound = 64 : i64, edge.arena_size = 64 : i64
// A16: edge.transpose %arg0 {{[{].*}}edge.offset = 0 : i64
// A16: edge.transpose %{{.*}} {{[{].*}}edge.offset = 32 : i64
// A8: edge.arena_alignment = 8 : i64, edge.arena_lower_bound = 48 : i64, edge.arena_size = 48 : i64
// A8: edge.transpose %arg0 {{[{].*}}edge.offset = 0 : i64
// A8: edge.transpose %{{.*}} {{[{].*}}edge.offset = 24 : i64
// BAD: error: edge-plan-memory: alignment must be a power of two from 8 to 4096, not {{4|24}}
func.func @align(%arg0: tensor<5xf32>) -> tensor<5xf32> {
  %0 = edge.transpose %arg0 {perm = array<i64: 0>} : (tensor<5xf32>) -> tensor<5xf32>
  %1 = edge.transpose %0 {perm = array<i64: 0>} : (tensor<5xf32>) -> tensor<5xf32>
  %2 = edge.transpose %1 {perm = array<i64: 0>} : (tensor<5xf32>) -> tensor<5xf32>
  return %2 : tensor<5xf32>
}
