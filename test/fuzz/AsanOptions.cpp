//===- AsanOptions.cpp - ASan defaults of every fuzz target -----------------===//
//
// allow_user_poisoning=0: edgec's instrumented code and the uninstrumented
// libMLIR share the MLIRContext's bump allocators. LLVM's BumpPtrAllocator
// poisons a new slab when the code that starts it is built with ASan (an
// inlined StorageUniquer allocation of one of edgec's attributes, e.g.
// #edge.kernel) and unpoisons only what instrumented code allocates, so
// libMLIR's own later allocations in that slab (a StringAttr) look like
// use-after-poison. The reports are false; heap bounds, use-after-free and
// UBSan checks are unaffected. ASAN_OPTIONS in the environment still override.
//
//===----------------------------------------------------------------------===//

extern "C" const char *__asan_default_options() { return "allow_user_poisoning=0"; }
