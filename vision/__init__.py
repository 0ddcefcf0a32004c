"""Video AI: onnxruntime models (execution provider chosen at run time: CPU, CUDA, CANN), frame sources, zones
and risk levels, alert algorithms and event de-duplication."""
