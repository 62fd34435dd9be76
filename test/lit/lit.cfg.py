# lit configuration for edgec's FileCheck tests (import, passes, CLI errors).
import os
import lit.formats

config.name = "edgec"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".mlir", ".test", ".onnxtxt"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.edgec_binary_dir, "test", "lit")

config.environment["PATH"] = os.pathsep.join(
    [config.edgec_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])])
config.substitutions.append(("%edgec", os.path.join(config.edgec_tools_dir, "edgec")))
config.substitutions.append(("%models", config.edgec_models_dir))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))
