#include "farm/measure/batch.hpp"

#include "farm/core/error.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/measure/command_loop.hpp"

#include <algorithm>
#include <csignal>
#include <memory>
#include <numeric>

namespace farm::measure {

RoundOrder::RoundOrder(std::size_t count, std::uint64_t seed) : m_order(count), m_random(seed) {
    std::iota(m_order.begin(), m_order.end(), std::size_t(0));
}

const std::vector<std::size_t>& RoundOrder::next() {
    // Fisher-Yates with a bounded draw of our own (the standard distributions differ between
    // libraries); the modulo bias is below 2^-50 for any realistic number of commands.
    for (std::size_t i = m_order.size(); i > 1; --i) {
        std::size_t j = std::size_t(m_random() % i);
        std::swap(m_order[i - 1], m_order[j]);
    }
    return m_order;
}

std::uint64_t random_seed() {
    std::random_device device;
    return (std::uint64_t(device()) << 32) ^ std::uint64_t(device());
}

namespace {

// The loops of a batch and the results of those that are over.
struct BatchState {
    std::vector<std::unique_ptr<CommandLoop>> loops;
    std::vector<RunResult> results;
    std::vector<bool> finished;

    void finish(std::size_t c, bool interrupted) {
        if (!finished[c]) {
            results[c] = loops[c]->finish(interrupted);
            finished[c] = true;
        }
    }
    // The rounds every command takes part in: --runs, or the largest planned count so far.
    std::size_t rounds_planned() const {
        std::size_t rounds = 1;
        for (const auto& loop : loops) {
            rounds = std::max(rounds, loop->planned());
        }
        return rounds;
    }
};

std::function<void(const Progress&)> progress_of(const BatchProgress& on_progress,
                                                 std::size_t command) {
    if (!on_progress) {
        return {};
    }
    return [&on_progress, command](const Progress& p) { on_progress(command, p); };
}

void run_interleaved(const BatchPlan& plan, BatchState& state, const BatchProgress& on_progress) {
    for (std::size_t c = 0; c < state.loops.size() && !exec::interrupted(); ++c) {
        state.loops[c]->start(progress_of(on_progress, c));
        if (state.loops[c]->ended() && !exec::interrupted()) {
            state.finish(c, false);
        }
    }
    RoundOrder order(state.loops.size(), plan.seed);
    for (std::size_t round = 0; round < state.rounds_planned() && !exec::interrupted(); ++round) {
        for (std::size_t c : order.next()) {
            CommandLoop& loop = *state.loops[c];
            if (state.finished[c] || exec::interrupted()) {
                continue;
            }
            loop.run_once(state.rounds_planned(), progress_of(on_progress, c));
            if (loop.ended() && !exec::interrupted()) {
                state.finish(c, false); // a failed command's cleanup runs at once
            }
        }
    }
}

void run_in_blocks(BatchState& state, const BatchProgress& on_progress) {
    for (std::size_t c = 0; c < state.loops.size() && !exec::interrupted(); ++c) {
        CommandLoop& loop = *state.loops[c];
        std::function<void(const Progress&)> progress = progress_of(on_progress, c);
        loop.start(progress);
        while (!loop.ended() && loop.completed_runs() < loop.planned() && !exec::interrupted()) {
            loop.run_once(loop.planned(), progress);
        }
        if (!exec::interrupted()) {
            state.finish(c, false);
        }
    }
}

// Finishes every loop (the cleanup hooks) with a pending interrupt cleared, so that the hooks are
// not stopped at once, then raises it again, so that everything after the batch still sees it.
void finish_all(BatchState& state) {
    int signal = exec::interrupt_signal();
    exec::reset_interrupt();
    for (std::size_t c = 0; c < state.loops.size(); ++c) {
        state.finish(c, signal != 0);
    }
    if (signal != 0) {
        for (RunResult& result : state.results) {
            result.outcome = Outcome::interrupted;
        }
        if (!exec::interrupted()) {
            std::raise(signal);
        }
    }
}

} // namespace

std::vector<RunResult> run_batch(const BatchPlan& plan, const BatchProgress& on_progress) {
    BatchState state;
    for (const RunPlan& command : plan.commands) {
        state.loops.push_back(std::make_unique<CommandLoop>(command));
    }
    state.results.resize(state.loops.size());
    state.finished.assign(state.loops.size(), false);
    try {
        if (plan.interleave) {
            run_interleaved(plan, state, on_progress);
        } else {
            run_in_blocks(state, on_progress);
        }
    } catch (const CommandError&) {
        finish_all(state);
        throw;
    }
    finish_all(state);
    return std::move(state.results);
}

} // namespace farm::measure
