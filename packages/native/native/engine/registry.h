// Devices and kernels announce themselves at load time through static registrars, so a new
// device (or a new kernel of one) is a new source file and nothing else changes.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "device.h"

namespace gft {

using DeviceFactory = std::function<std::unique_ptr<Device>()>;

struct DeviceRegistrar {
  DeviceRegistrar(const char* name, DeviceFactory factory);
};

// Kernels register against a device name; the table is attached when the device opens.
struct KernelRegistrar {
  KernelRegistrar(const char* device, const char* kernel, KernelFn fn);
};

std::vector<std::string> deviceNames();
// The process-wide instance of a device, created on first use; throws EngineError when the
// device cannot start (no driver, no GPU), with the reason.
Device& openDevice(const std::string& name);

}  // namespace gft

#define GFT_CONCAT_INNER(a, b) a##b
#define GFT_CONCAT(a, b) GFT_CONCAT_INNER(a, b)
// GFT_KERNEL("host", "Add", addKernel);
#define GFT_KERNEL(device, name, fn) \
  static ::gft::KernelRegistrar GFT_CONCAT(gft_kernel_registrar_, __LINE__)(device, name, fn)
