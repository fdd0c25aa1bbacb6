// Iteration records kept on disk instead of in memory, for runs whose number of iterations has
// no useful bound: `farm perf:ai --requests 1000000` makes one record per request, and holding
// them all (about 1.5 KiB each with their metric names) made memory grow with the run.
//
// Guarantees:
// - Memory stays flat however many records are appended: a 64 KiB write buffer and the table of
//   metric names. Each record takes about 14 bytes plus 10 per metric in an unnamed temporary
//   file (in $TMPDIR, else /tmp) that disappears with the spool, even when the process dies.
// - Reading back gives every record as appended (names and values bit for bit; a metric's unit
//   is the one it had where its name first appeared, as history::series_of takes it), in the
//   order appended or, where asked, ordered by index. Reads may interleave with appends.
// - A file that cannot be made or written throws farm::Error saying where and why.
#pragma once

#include "farm/measure/sample.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::measure {

class RecordSpool {
  public:
    RecordSpool();
    ~RecordSpool();
    RecordSpool(RecordSpool&& other) noexcept;
    RecordSpool& operator=(RecordSpool&& other) noexcept;
    RecordSpool(const RecordSpool&) = delete;
    RecordSpool& operator=(const RecordSpool&) = delete;

    void append(const IterationRecord& record);

    std::size_t size() const { return m_records; }
    bool empty() const { return m_records == 0; }
    // Records with exit_code 0.
    std::size_t succeeded() const { return m_succeeded; }

    struct Metric {
        std::string name;
        std::string unit;
    };
    // Every metric name seen, in the order of first appearance.
    const std::vector<Metric>& metrics() const { return m_metrics; }

    // Every record in the order appended.
    void for_each(const std::function<void(const IterationRecord&)>& visit) const;
    // Every record, ordered by index (stable for equal indices).
    std::vector<IterationRecord> records() const;
    // The values of `metric`, one per record that has it, in the order appended; with
    // `successful_only`, of the records with exit_code 0 alone.
    std::vector<double> values(std::string_view metric, bool successful_only = false) const;
    // One value per record, the records ordered by index as records() orders them, NaN where a
    // record lacks the metric.
    std::vector<double> values_by_index(std::string_view metric) const;

  private:
    // The raw form of one record while reading: metric ids, not names.
    struct Raw {
        std::int32_t index = 0;
        std::int32_t exit_code = 0;
        std::int32_t signal = 0;
        std::vector<std::pair<std::uint16_t, double>> values;
    };
    void scan(const std::function<void(const Raw&)>& visit) const;
    void flush() const;
    std::uint16_t metric_id(const MetricValue& metric);
    [[noreturn]] void fail(const std::string& what) const;

    int m_fd = -1;
    std::string m_folder;          // where the temporary file is, for messages
    mutable std::string m_pending; // appended, not yet written
    mutable std::uint64_t m_written = 0;
    std::size_t m_records = 0;
    std::size_t m_succeeded = 0;
    bool m_in_index_order = true;
    std::int32_t m_last_index = 0;
    std::vector<Metric> m_metrics;
    // The id found at each position of the previous record: records of one run name their
    // metrics in the same order, so the lookup is one comparison per metric.
    std::vector<std::uint16_t> m_ids_by_position;
};

} // namespace farm::measure
