// farm_bench_stream: drives ai::run_load against one URL and prints what bench/ai_load.sh needs:
// requests/s, failures, the median time to the first body byte, and the resident memory after the
// first tenth of the requests and at the end (flat memory means nothing leaks per request).
//
//   farm_bench_stream --url URL [--requests N] [--concurrency C] [--warmup K] [--body JSON]
#include "farm/ai/load_generator.hpp"
#include "farm/core/error.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

long resident_kib() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0;
    long resident = 0;
    statm >> pages >> resident;
    return resident * sysconf(_SC_PAGESIZE) / 1024;
}

} // namespace

int main(int argc, char** argv) {
    std::string url;
    std::string body = R"({"model":"m","prompt":"hello"})";
    farm::ai::LoadPlan plan;
    plan.requests = 10000;
    plan.concurrency = 32;
    plan.keep_results = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string option = argv[i];
        std::string value = argv[i + 1];
        if (option == "--url") {
            url = value;
        } else if (option == "--body") {
            body = value;
        } else if (option == "--requests") {
            plan.requests = std::stoul(value);
        } else if (option == "--concurrency") {
            plan.concurrency = std::stoul(value);
        } else if (option == "--warmup") {
            plan.warmup = std::stoul(value);
        } else {
            std::cerr << "farm_bench_stream: unknown option " << option << "\n";
            return 2;
        }
    }
    if (url.empty()) {
        std::cerr << "usage: farm_bench_stream --url URL [--requests N] [--concurrency C]\n";
        return 2;
    }

    std::vector<double> first_piece_ms(plan.requests, -1);
    std::vector<double> done_ms;
    std::size_t failures = 0;
    std::size_t ended = 0;
    long rss_at_tenth = 0;
    long rss_at_end = 0;
    farm::ai::LoadHandlers handlers;
    handlers.make_request = [&](farm::ai::RequestTag) {
        farm::net::HttpRequest request;
        request.method = "POST";
        request.url = url;
        request.headers = {{"Content-Type", "application/json"}};
        request.body = body;
        return request;
    };
    std::vector<farm::net::SteadyTime> first_piece(plan.requests);
    handlers.on_body = [&](farm::ai::RequestTag tag, std::string_view, farm::net::SteadyTime at) {
        if (!tag.warmup && first_piece[tag.index] == farm::net::SteadyTime{}) {
            first_piece[tag.index] = at;
        }
        return true;
    };
    handlers.on_done = [&](farm::ai::RequestTag tag, const farm::net::StreamOutcome& outcome) {
        if (tag.warmup) {
            return;
        }
        failures += outcome.ok() ? 0 : 1;
        if (first_piece[tag.index] != farm::net::SteadyTime{}) {
            first_piece_ms[tag.index] =
                std::chrono::duration<double, std::milli>(first_piece[tag.index] - outcome.sent)
                    .count();
        }
        if (++ended == plan.requests / 10) {
            rss_at_tenth = resident_kib();
        } else if (ended == plan.requests) {
            rss_at_end = resident_kib(); // before the summary below allocates its own memory
        }
    };
    try {
        farm::ai::LoadResult result = farm::ai::run_load(plan, handlers);
        std::vector<double> measured;
        for (double ms : first_piece_ms) {
            if (ms >= 0) {
                measured.push_back(ms);
            }
        }
        std::sort(measured.begin(), measured.end());
        double median = measured.empty() ? 0 : measured[measured.size() / 2];
        std::printf("requests %zu concurrency %zu wall_s %.3f requests_per_s %.0f failures %zu "
                    "median_first_byte_ms %.3f rss_kib_at_10pct %ld rss_kib_at_end %ld\n",
                    plan.requests, plan.concurrency, result.wall_s,
                    static_cast<double>(plan.requests) / result.wall_s, failures, median,
                    rss_at_tenth, rss_at_end);
        return failures == 0 ? 0 : 1;
    } catch (const farm::Error& error) {
        std::cerr << "farm_bench_stream: " << error.what() << "\n";
        return 2;
    }
}
