#include "cublaslt.h"

#include <dlfcn.h>

namespace gft::cuda {

CublasLt::~CublasLt() {
  if (workspace) cudaFree(workspace);
  if (handle && destroy) destroy(handle);
  if (library) dlclose(library);
}

template <typename F>
static bool bind(void* library, const char* symbol, F& fn, std::string& why) {
  fn = reinterpret_cast<F>(dlsym(library, symbol));
  if (!fn) why = std::string("missing symbol ") + symbol;
  return fn != nullptr;
}

CublasLt* loadCublasLt(const std::string& path, std::string& why) {
  void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char* reason = dlerror();
    why = "cannot open " + path + (reason ? std::string(": ") + reason : "");
    return nullptr;
  }
  auto* lt = new CublasLt();
  lt->path = path;
  lt->library = library;
  bool ok = bind(library, "cublasLtCreate", lt->create, why) &&
            bind(library, "cublasLtDestroy", lt->destroy, why) &&
            bind(library, "cublasLtMatmulDescCreate", lt->descCreate, why) &&
            bind(library, "cublasLtMatmulDescDestroy", lt->descDestroy, why) &&
            bind(library, "cublasLtMatmulDescSetAttribute", lt->descSet, why) &&
            bind(library, "cublasLtMatrixLayoutCreate", lt->layoutCreate, why) &&
            bind(library, "cublasLtMatrixLayoutDestroy", lt->layoutDestroy, why) &&
            bind(library, "cublasLtMatrixLayoutSetAttribute", lt->layoutSet, why) &&
            bind(library, "cublasLtMatmulPreferenceCreate", lt->prefCreate, why) &&
            bind(library, "cublasLtMatmulPreferenceDestroy", lt->prefDestroy, why) &&
            bind(library, "cublasLtMatmulPreferenceSetAttribute", lt->prefSet, why) &&
            bind(library, "cublasLtMatmulAlgoGetHeuristic", lt->heuristic, why) &&
            bind(library, "cublasLtMatmul", lt->matmul, why);
  if (ok && lt->create(&lt->handle) != 0) {
    why = "cublasLtCreate failed";
    ok = false;
  }
  // 32 MiB of workspace: what cuBLASLt's heuristics ask for on Hopper-class parts.
  if (ok) {
    lt->workspaceBytes = size_t{32} << 20;
    if (cudaMalloc(&lt->workspace, lt->workspaceBytes) != cudaSuccess) {
      lt->workspace = nullptr;
      lt->workspaceBytes = 0;
    }
  }
  if (!ok) {
    delete lt;
    return nullptr;
  }
  return lt;
}

}  // namespace gft::cuda
