// RUN: not edgec-opt --edge-select-kernels="family=arm-dsp tuning=%S/Inputs/tuning/wrong-kernel.json" %s 2>&1 | FileCheck %s --check-prefix=KERNEL
// RUN: not edgec-opt --edge-select-kernels="family=arm-dsp tuning=%S/Inputs/tuning/absent.json" %s 2>&1 | FileCheck %s --check-prefix=ABSENT
// RUN: not edgec-opt --edge-select-kernels="family=arm-dsp tuning=%S/Inputs/tuning/broken.json" %s 2>&1 | FileCheck %s --check-prefix=BROKEN
// RUN: not edgec-opt --edge-select-kernels="family=arm-dsp tuning=%S/Inputs/tuning/format2.json" %s 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not edgec-opt --edge-select-kernels="family=arm-dsp tuning=%S/Inputs/tuning/mve.json" %s 2>&1 | FileCheck %s --check-prefix=FAMILY
// RUN: not edgec-opt --edge-select-kernels="family=arm-dsp tuning=%S/Inputs/tuning/unknown.json" %s 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// A tuning file that cannot be honoured stops the compile, naming the file
// and the layer: it is missing or not JSON, of another format version or
// family, names a layer the model does not have, or asks a kernel that
// cannot run its layer (not in the table, another op's, int8 on float).
// ABSENT: error: tuning file '{{.*}}absent.json': cannot read it: No such file or directory
// BROKEN: error: tuning file '{{.*}}broken.json': not JSON: {{.*}}
// FORMAT: error: tuning file '{{.*}}format2.json': not an edgec tuning file of format 1 (its "edgec_tuning" must be 1)
// FAMILY: error: tuning file '{{.*}}mve.json': it was measured on kernel family 'arm-mve', not 'arm-dsp' (tune again for this target)
// UNKNOWN-DAG: error: tuning file '{{.*}}unknown.json': it names layer 'nowhere', which this model does not have
// UNKNOWN-DAG: error: tuning file '{{.*}}unknown.json': layer 'pw' has no "kernel" string
// KERNEL-DAG: error: loc("pw"): tuning file '{{.*}}wrong-kernel.json' asks kernel 'conv2d_s8_fastest' for layer 'pw', which is not in the kernel table (candidates: conv2d_s8_sparse, conv2d_s8_dsp, conv2d_s8)
// KERNEL-DAG: error: loc("fc"): tuning file '{{.*}}' asks kernel 'conv2d_s8_dsp' for layer 'fc', which cannot run it on family 'arm-dsp' (candidates: fc_s8_sparse, fc_s8_dsp_paired, fc_s8_dsp_blocked, fc_s8_dsp, fc_s8)
// KERNEL-DAG: error: loc("float"): tuning file '{{.*}}' asks kernel 'conv2d_s8' for layer 'float', which cannot run it on family 'arm-dsp' (candidates: conv2d_f32)
module {
  func.func @main(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, %a: tensor<1x16x!quant.uniform<i8:f32, 0.1>>, %f: tensor<1x4x8x8xf32>) -> (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>, tensor<1x10x!quant.uniform<i8:f32, 0.2>>, tensor<1x4x8x8xf32>) {
    %w = edge.constant dense<3> : tensor<4x4x1x1xi8> as tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>
    %wf = edge.constant dense<0.5> : tensor<4x4x1x1xf32>
    %b = edge.constant dense<1> : tensor<10x16xi8> as tensor<10x16x!quant.uniform<i8:f32, 0.01>>
    %0 = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>> loc("pw")
    %1 = edge.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x16x!quant.uniform<i8:f32, 0.1>>, tensor<10x16x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2>> loc("fc")
    %2 = edge.conv2d %f, %wf {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32> loc("float")
    return %0, %1, %2 : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>, tensor<1x10x!quant.uniform<i8:f32, 0.2>>, tensor<1x4x8x8xf32>
  }
}
