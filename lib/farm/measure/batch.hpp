// Several commands measured in one call (`farm perf:build -c A -c B`), each with its own run loop
// (command_loop.hpp) and result.
//
// Interleaved (the default): every command runs its setup and warm-ups first, in the order given;
// then each round runs every command once, in an order shuffled with the seed (Fisher-Yates over
// a 64-bit Mersenne Twister, so one seed gives one sequence of orders on every machine). A slow
// drift of the machine (heat, a backup starting) then falls on all commands alike instead of on
// the last one. The number of rounds is --runs when given; otherwise each command's count by
// hyperfine's rule from its first run, and the largest of them for all (so every command gets at
// least its own count). In blocks (interleave = false) each command runs all its runs, then the
// next one, as hyperfine does. A command that fails ends alone (its cleanup runs at once); the
// others go on. An interrupt ends them all; the cleanup hooks still run (the interrupt flag is
// cleared for them, so a second Ctrl-C stops a cleanup that hangs).
#pragma once

#include "farm/measure/runner.hpp"

#include <cstdint>
#include <random>
#include <vector>

namespace farm::measure {

struct BatchPlan {
    std::vector<RunPlan> commands;
    bool interleave = true;
    std::uint64_t seed = 0;
};

using BatchProgress = std::function<void(std::size_t command, const Progress&)>;

// One result per command, in the order of plan.commands. A command that cannot be started throws
// farm::CommandError after the cleanup of the commands whose setup ran.
std::vector<RunResult> run_batch(const BatchPlan& plan, const BatchProgress& on_progress);

// The order of each round: a permutation of 0..count-1, reshuffled at each call.
class RoundOrder {
  public:
    RoundOrder(std::size_t count, std::uint64_t seed);
    const std::vector<std::size_t>& next();

  private:
    std::vector<std::size_t> m_order;
    std::mt19937_64 m_random; // its sequence is fixed by the standard, unlike the distributions
};

// A fresh random seed (from the OS), for a batch without --seed.
std::uint64_t random_seed();

} // namespace farm::measure
