// Device and kernel tables, filled by static registrars before the addon's init runs.
#include "registry.h"

#include <cstring>
#include <map>
#include <mutex>

namespace gft {
namespace {

struct Tables {
  std::map<std::string, DeviceFactory> factories;
  std::map<std::string, std::vector<std::pair<std::string, KernelFn>>> kernels;
  std::map<std::string, std::unique_ptr<Device>> open;
  std::mutex mutex;
};

// Function-local so registrars in any translation unit can use it during static init.
Tables& tables() {
  static Tables t;
  return t;
}

}  // namespace

DeviceRegistrar::DeviceRegistrar(const char* name, DeviceFactory factory) {
  tables().factories[name] = std::move(factory);
}

KernelRegistrar::KernelRegistrar(const char* device, const char* kernel, KernelFn fn) {
  tables().kernels[device].emplace_back(kernel, fn);
}

std::vector<std::string> deviceNames() {
  std::vector<std::string> names;
  for (auto& [name, _] : tables().factories) names.push_back(name);
  return names;
}

Device& openDevice(const std::string& name) {
  Tables& t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto open = t.open.find(name);
  if (open != t.open.end()) return *open->second;
  auto factory = t.factories.find(name);
  if (factory == t.factories.end()) {
    std::string known;
    for (auto& [n, _] : t.factories) known += (known.empty() ? "" : ", ") + n;
    throw EngineError{"unknown device '" + name + "' (this build has: " + known + ")"};
  }
  std::unique_ptr<Device> device = factory->second();
  for (auto& [kernel, fn] : t.kernels[name]) device->addKernel(kernel, fn);
  Device& ref = *device;
  t.open[name] = std::move(device);
  return ref;
}

namespace {

// The default download: the bytes copied when it starts, handed over when it finishes.
class CopiedDownload : public PendingDownload {
 public:
  explicit CopiedDownload(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  void finish(void* dst) override { std::memcpy(dst, bytes_.data(), bytes_.size()); }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace

std::unique_ptr<PendingDownload> Device::startDownload(const Buffer* src, size_t offset,
                                                       size_t bytes) {
  std::vector<uint8_t> copy(bytes);
  download(src, offset, copy.data(), bytes);
  return std::make_unique<CopiedDownload>(std::move(copy));
}

int Device::kernelId(const std::string& name) const {
  for (size_t i = 0; i < names_.size(); i++) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

void Device::addKernel(const std::string& name, KernelFn fn) {
  if (kernelId(name) >= 0) {
    throw EngineError{"kernel '" + name + "' registered twice for device '" + this->name() + "'"};
  }
  names_.push_back(name);
  fns_.push_back(fn);
}

void Device::run(int id, const KernelArgs& args) {
  if (id < 0 || static_cast<size_t>(id) >= fns_.size()) {
    throw EngineError{"kernel id " + std::to_string(id) + " out of range for device '" +
                      name() + "'"};
  }
  fns_[id](*this, args);
}

}  // namespace gft
