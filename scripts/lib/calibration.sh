# Sourced by the scripts and tests that compile the bundled models quantized:
# the one place that says which calibration data each model takes.
#   model_calibration MODEL MODELS_DIR  -> a path, or "random"
# The digits models take their training split, the keyword-spotting model
# 256 of its training windows (models/export_kws.py); the MLPerf-Tiny-shaped
# models are untrained and take random inputs.
model_calibration() {
  case $1 in
    digits_*) echo "$2/digits_train_x.npy" ;;
    kws*) echo "$2/kws_calib_x.npy" ;;
    *) echo random ;;
  esac
}
