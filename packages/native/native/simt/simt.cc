// The fiber scheduler behind simt.h: one fiber per CUDA thread of the running block, resumed
// round-robin; a fiber yields only while it waits at a barrier, so between barriers each
// thread runs to completion, like one warp lane that never gets preempted. Fibers switch
// through fiber_switch.h (a few instructions on x86-64; ucontext, which makes a system call
// per switch, elsewhere).
#include "simt.h"

#include "fiber_switch.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <vector>

namespace gft::simt {
namespace {

constexpr int kWarp = 32;
constexpr size_t kStackBytes = 256 * 1024;
constexpr unsigned kMaxThreadsPerBlock = 1024;
constexpr size_t kMaxDynamicShared = 227 * 1024;  // sm_90's opt-in limit

struct Barrier {
  int arrived = 0;
  uint64_t generation = 0;
};

struct Fiber {
  FiberContext context;
  Position position;
  int warp = 0, lane = 0;
  bool done = false;
};

struct BlockState {
  std::vector<Fiber> fibers;
  int live = 0;
  Barrier block;
  std::vector<Barrier> warps;
  std::vector<int> liveInWarp;
  std::vector<uint64_t> slots;  // one shuffle word per thread
  std::vector<std::vector<unsigned char>> gathered;  // per warp: every lane's offer
  std::vector<unsigned char> shared;
  // Bumped whenever a fiber arrives at a barrier, a barrier opens or a fiber ends; a round
  // of the scheduler that changes none of them is a deadlock.
  uint64_t events = 0;
  const std::function<void()>* body = nullptr;
};

thread_local FiberContext schedulerContext;
thread_local BlockState* running = nullptr;
thread_local Fiber* current = nullptr;
thread_local std::vector<std::unique_ptr<char[]>> stacks;

void yieldToScheduler() { switchFiber(current->context, schedulerContext); }

void arrive(Barrier& barrier, int expected) {
  BlockState& block = *running;
  block.events++;
  const uint64_t generation = barrier.generation;
  if (++barrier.arrived >= expected) {
    barrier.arrived = 0;
    barrier.generation++;
    return;
  }
  while (barrier.generation == generation) yieldToScheduler();
}

// A thread that has ended no longer counts toward barriers others wait at.
void openIfComplete(Barrier& barrier, int expected) {
  if (barrier.arrived > 0 && barrier.arrived >= expected) {
    barrier.arrived = 0;
    barrier.generation++;
  }
}

[[noreturn]] void fiberMain() {
  Fiber& self = *current;
  BlockState& block = *running;
  (*block.body)();
  self.done = true;
  block.live--;
  block.liveInWarp[self.warp]--;
  block.events++;
  openIfComplete(block.block, block.live);
  openIfComplete(block.warps[self.warp], block.liveInWarp[self.warp]);
  switchFiber(self.context, schedulerContext);
  __builtin_unreachable();  // a finished fiber is never resumed
}

void runBlock(BlockState& block) {
  const size_t count = block.fibers.size();
  while (stacks.size() < count) stacks.emplace_back(new char[kStackBytes]);
  for (size_t i = 0; i < count; i++) {
    startFiber(block.fibers[i].context, stacks[i].get(), kStackBytes, fiberMain);
  }
  while (block.live > 0) {
    const uint64_t before = block.events;
    for (Fiber& fiber : block.fibers) {
      if (fiber.done) continue;
      current = &fiber;
      switchFiber(schedulerContext, fiber.context);
    }
    current = nullptr;
    if (block.live > 0 && block.events == before) {
      throw std::runtime_error(
          "simt: deadlock: " + std::to_string(block.live) +
          " threads wait at barriers that can never open (a __syncthreads or warp shuffle "
          "not reached by every thread of the block or warp)");
    }
  }
}

}  // namespace

const Position& position() { return current->position; }

void syncthreads() { arrive(running->block, running->live); }

void syncwarp() {
  const int warp = current->warp;
  arrive(running->warps[warp], running->liveInWarp[warp]);
}

int laneId() { return current->lane; }

uint64_t exchange(uint64_t value, int sourceLane) {
  BlockState& block = *running;
  const int warp = current->warp;
  const size_t base = static_cast<size_t>(warp) * kWarp;
  block.slots[base + current->lane] = value;
  syncwarp();
  uint64_t out = value;
  const size_t source = base + static_cast<size_t>(sourceLane);
  if (sourceLane >= 0 && sourceLane < kWarp && source < block.fibers.size()) out = block.slots[source];
  // Nobody may overwrite a slot before every lane has read it.
  syncwarp();
  return out;
}

const void* gatherWarp(const void* offer, size_t bytes) {
  BlockState& block = *running;
  const int warp = current->warp;
  std::vector<unsigned char>& all = block.gathered[warp];
  // The previous gather's readers are done before anyone overwrites it.
  syncwarp();
  if (all.size() < bytes * kWarp) all.resize(bytes * kWarp);
  std::memcpy(all.data() + static_cast<size_t>(current->lane) * bytes, offer, bytes);
  syncwarp();
  return all.data();
}

void* dynamicShared() { return running->shared.data(); }

void launch(dim3 grid, dim3 blockDim, size_t dynamicSharedBytes,
            const std::function<void()>& body) {
  const size_t threads = size_t{blockDim.x} * blockDim.y * blockDim.z;
  if (threads == 0 || threads > kMaxThreadsPerBlock) {
    throw std::runtime_error("simt: invalid block of " + std::to_string(threads) + " threads");
  }
  if (grid.x == 0 || grid.y == 0 || grid.z == 0 || grid.y > 65535 || grid.z > 65535) {
    throw std::runtime_error("simt: invalid grid");
  }
  if (dynamicSharedBytes > kMaxDynamicShared) {
    throw std::runtime_error("simt: " + std::to_string(dynamicSharedBytes) +
                             " bytes of dynamic shared memory is more than a block can have");
  }
  if (running != nullptr) throw std::runtime_error("simt: a kernel launched another kernel");
  const int warps = static_cast<int>((threads + kWarp - 1) / kWarp);
  BlockState block;
  block.body = &body;
  block.fibers.resize(threads);
  block.warps.resize(warps);
  block.liveInWarp.resize(warps);
  block.slots.resize(threads);
  block.gathered.resize(warps);
  // Uninitialised shared memory on a GPU holds whatever was there; NaN bytes make a kernel
  // that reads before writing fail loudly here.
  block.shared.assign(dynamicSharedBytes, 0xff);
  running = &block;
  try {
    for (unsigned bz = 0; bz < grid.z; bz++)
      for (unsigned by = 0; by < grid.y; by++)
        for (unsigned bx = 0; bx < grid.x; bx++) {
          block.live = static_cast<int>(threads);
          block.block = Barrier{};
          for (int w = 0; w < warps; w++) {
            block.warps[w] = Barrier{};
            block.liveInWarp[w] = static_cast<int>(
                std::min<size_t>(kWarp, threads - static_cast<size_t>(w) * kWarp));
          }
          size_t t = 0;
          for (unsigned tz = 0; tz < blockDim.z; tz++)
            for (unsigned ty = 0; ty < blockDim.y; ty++)
              for (unsigned tx = 0; tx < blockDim.x; tx++, t++) {
                Fiber& fiber = block.fibers[t];
                fiber.done = false;
                fiber.warp = static_cast<int>(t / kWarp);
                fiber.lane = static_cast<int>(t % kWarp);
                fiber.position = Position{dim3(tx, ty, tz), dim3(bx, by, bz), blockDim, grid};
              }
          runBlock(block);
        }
  } catch (...) {
    running = nullptr;
    throw;
  }
  running = nullptr;
}

}  // namespace gft::simt
