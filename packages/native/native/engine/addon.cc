// The Node-API surface of the engine: devices, buffers, transfers and kernel calls.
// Device-agnostic on purpose: it speaks only the Device interface (device.h).
// Not here: shapes, dtypes or tfjs semantics; the TypeScript backend owns those.
#include <napi.h>

#include <string>
#include <vector>

#include "device.h"
#include "registry.h"

namespace {

using gft::Buffer;
using gft::Device;
using gft::EngineError;

template <typename T>
T* unwrap(const Napi::Value& value, const char* what) {
  if (!value.IsExternal()) {
    throw Napi::TypeError::New(value.Env(), std::string("expected a ") + what + " handle");
  }
  return value.As<Napi::External<T>>().Data();
}

template <typename F>
Napi::Value guarded(const Napi::Env& env, F&& body) {
  try {
    return body();
  } catch (const EngineError& e) {
    throw Napi::Error::New(env, e.message);
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "native allocation failed (out of memory)");
  }
}

Napi::Value ListDevices(const Napi::CallbackInfo& info) {
  auto names = gft::deviceNames();
  Napi::Array out = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); i++) out.Set(i, names[i]);
  return out;
}

Napi::Value OpenDevice(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    Device& device = gft::openDevice(info[0].As<Napi::String>().Utf8Value());
    return Napi::External<Device>::New(info.Env(), &device);
  });
}

Napi::Value Describe(const Napi::CallbackInfo& info) {
  Device* device = unwrap<Device>(info[0], "device");
  Napi::Object out = Napi::Object::New(info.Env());
  for (auto& [k, v] : device->describe()) out.Set(k, v);
  out.Set("bytesInUse", static_cast<double>(device->memory().inUse()));
  out.Set("peakBytes", static_cast<double>(device->memory().peak()));
  return out;
}

Napi::Value MemoryStats(const Napi::CallbackInfo& info) {
  Device* device = unwrap<Device>(info[0], "device");
  Napi::Float64Array out = Napi::Float64Array::New(info.Env(), 4);
  const gft::MemoryCounters& m = device->memory();
  out[0] = static_cast<double>(m.inUse());
  out[1] = static_cast<double>(m.peak());
  out[2] = static_cast<double>(m.heldBytes());
  out[3] = static_cast<double>(m.peakHeld());
  if (info.Length() > 1 && info[1].ToBoolean()) device->memory().resetPeaks();
  return out;
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Device* device = unwrap<Device>(info[0], "device");
  device->setThreads(info[1].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value KernelNames(const Napi::CallbackInfo& info) {
  Device* device = unwrap<Device>(info[0], "device");
  const auto& names = device->kernelNames();
  Napi::Array out = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); i++) out.Set(i, names[i]);
  return out;
}

Napi::Value KernelId(const Napi::CallbackInfo& info) {
  Device* device = unwrap<Device>(info[0], "device");
  return Napi::Number::New(info.Env(), device->kernelId(info[1].As<Napi::String>().Utf8Value()));
}

Napi::Value Alloc(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    Device* device = unwrap<Device>(info[0], "device");
    double bytes = info[1].As<Napi::Number>().DoubleValue();
    Buffer* buffer = device->alloc(static_cast<size_t>(bytes));
    return Napi::External<Buffer>::New(info.Env(), buffer);
  });
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  Buffer* buffer = unwrap<Buffer>(info[0], "buffer");
  buffer->device->free(buffer);
  return info.Env().Undefined();
}

// write(buffer, typedArray, byteOffset) / read(buffer, typedArray, byteOffset)
Napi::Value Write(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    Buffer* buffer = unwrap<Buffer>(info[0], "buffer");
    Napi::TypedArray src = info[1].As<Napi::TypedArray>();
    size_t offset = static_cast<size_t>(info[2].As<Napi::Number>().DoubleValue());
    size_t bytes = src.ByteLength();
    if (offset + bytes > buffer->bytes) throw EngineError{"write past the end of a buffer"};
    const uint8_t* data = static_cast<const uint8_t*>(src.ArrayBuffer().Data()) + src.ByteOffset();
    buffer->device->upload(buffer, offset, data, bytes);
    return info.Env().Undefined();
  });
}

// The buffer and host bytes of read(buffer, typedArray, byteOffset) and readAsync(...).
struct ReadTarget {
  Buffer* buffer;
  size_t offset, bytes;
  uint8_t* data;
};

ReadTarget readTarget(const Napi::CallbackInfo& info) {
  Buffer* buffer = unwrap<Buffer>(info[0], "buffer");
  Napi::TypedArray dst = info[1].As<Napi::TypedArray>();
  size_t offset = static_cast<size_t>(info[2].As<Napi::Number>().DoubleValue());
  size_t bytes = dst.ByteLength();
  if (offset + bytes > buffer->bytes) throw EngineError{"read past the end of a buffer"};
  uint8_t* data = static_cast<uint8_t*>(dst.ArrayBuffer().Data()) + dst.ByteOffset();
  return {buffer, offset, bytes, data};
}

Napi::Value Read(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const ReadTarget t = readTarget(info);
    t.buffer->device->download(t.buffer, t.offset, t.data, t.bytes);
    return info.Env().Undefined();
  });
}

// readAsync(buffer, typedArray, byteOffset) -> Promise<void>: the copy is queued now, in the
// device's order of work; a worker thread waits for it, so the JavaScript thread does not.
class ReadWorker : public Napi::AsyncWorker {
 public:
  ReadWorker(Napi::Env env, std::unique_ptr<gft::PendingDownload> pending, Napi::TypedArray dst,
             uint8_t* data)
      : Napi::AsyncWorker(env),
        pending_(std::move(pending)),
        deferred_(Napi::Promise::Deferred::New(env)),
        dst_(Napi::Persistent(dst.As<Napi::Object>())),
        data_(data) {}
  void Execute() override {
    try {
      pending_->finish(data_);
    } catch (const EngineError& e) {
      SetError(e.message);
    }
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }
  Napi::Promise promise() const { return deferred_.Promise(); }

 private:
  std::unique_ptr<gft::PendingDownload> pending_;
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference dst_;  // keeps the destination alive until the copy lands
  uint8_t* data_;
};

Napi::Value ReadAsync(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const ReadTarget t = readTarget(info);
    auto pending = t.buffer->device->startDownload(t.buffer, t.offset, t.bytes);
    auto* worker =
        new ReadWorker(info.Env(), std::move(pending), info[1].As<Napi::TypedArray>(), t.data);
    Napi::Promise promise = worker->promise();
    worker->Queue();  // the worker deletes itself when done
    return promise;
  });
}

// run(device, kernelId, buffers[], params Float64Array)
Napi::Value Run(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    Device* device = unwrap<Device>(info[0], "device");
    int id = info[1].As<Napi::Number>().Int32Value();
    Napi::Array list = info[2].As<Napi::Array>();
    Napi::Float64Array params = info[3].As<Napi::Float64Array>();
    Buffer* stack[16];
    std::vector<Buffer*> heap;
    uint32_t n = list.Length();
    Buffer** buffers = stack;
    if (n > 16) {
      heap.resize(n);
      buffers = heap.data();
    }
    for (uint32_t i = 0; i < n; i++) buffers[i] = unwrap<Buffer>(list.Get(i), "buffer");
    gft::KernelArgs args{buffers, static_cast<int>(n), params.Data(),
                         static_cast<int>(params.ElementLength())};
    device->run(id, args);
    return info.Env().Undefined();
  });
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("listDevices", Napi::Function::New(env, ListDevices));
  exports.Set("openDevice", Napi::Function::New(env, OpenDevice));
  exports.Set("describe", Napi::Function::New(env, Describe));
  exports.Set("memoryStats", Napi::Function::New(env, MemoryStats));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("kernelNames", Napi::Function::New(env, KernelNames));
  exports.Set("kernelId", Napi::Function::New(env, KernelId));
  exports.Set("alloc", Napi::Function::New(env, Alloc));
  exports.Set("free", Napi::Function::New(env, Free));
  exports.Set("write", Napi::Function::New(env, Write));
  exports.Set("read", Napi::Function::New(env, Read));
  exports.Set("readAsync", Napi::Function::New(env, ReadAsync));
  exports.Set("run", Napi::Function::New(env, Run));
  return exports;
}

}  // namespace

NODE_API_MODULE(gft_native, Init)
