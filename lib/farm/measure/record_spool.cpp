#include "farm/measure/record_spool.hpp"

#include "farm/core/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <optional>
#include <unistd.h>
#include <utility>

namespace farm::measure {

namespace {

// On disk, in the machine's byte order (the file never outlives the process):
//   int32 index, int32 exit_code, int32 signal, uint16 count, count x (uint16 id, double value)
constexpr std::size_t header_size = 3 * sizeof(std::int32_t) + sizeof(std::uint16_t);
constexpr std::size_t value_size = sizeof(std::uint16_t) + sizeof(double);
constexpr std::size_t flush_at = 64 * 1024;

template <typename T>
void put(std::string& out, T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

template <typename T>
T get(const char*& in) {
    T value;
    std::memcpy(&value, in, sizeof(T));
    in += sizeof(T);
    return value;
}

std::string temporary_folder() {
    const char* tmpdir = std::getenv("TMPDIR");
    return tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
}

} // namespace

RecordSpool::RecordSpool() : m_folder(temporary_folder()) {
    // O_TMPFILE: a file with no name, gone when the descriptor closes; else a named one
    // unlinked at once (file systems without O_TMPFILE).
    m_fd = ::open(m_folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (m_fd < 0) {
        std::string name = m_folder + "/farm-records-XXXXXX";
        m_fd = ::mkostemp(name.data(), O_CLOEXEC);
        if (m_fd < 0) {
            fail("cannot create");
        }
        ::unlink(name.c_str());
    }
}

RecordSpool::~RecordSpool() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

RecordSpool::RecordSpool(RecordSpool&& other) noexcept {
    *this = std::move(other);
}

RecordSpool& RecordSpool::operator=(RecordSpool&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        m_fd = std::exchange(other.m_fd, -1);
        m_folder = std::move(other.m_folder);
        m_pending = std::move(other.m_pending);
        m_written = std::exchange(other.m_written, 0);
        m_records = std::exchange(other.m_records, 0);
        m_succeeded = std::exchange(other.m_succeeded, 0);
        m_in_index_order = std::exchange(other.m_in_index_order, true);
        m_last_index = std::exchange(other.m_last_index, 0);
        m_metrics = std::move(other.m_metrics);
        m_ids_by_position = std::move(other.m_ids_by_position);
    }
    return *this;
}

void RecordSpool::fail(const std::string& what) const {
    throw Error(what + " the temporary file in " + m_folder + " that holds this run's records: " +
                std::strerror(errno) + " (set TMPDIR to a folder with room)");
}

std::uint16_t RecordSpool::metric_id(const MetricValue& metric) {
    for (const Metric& known : m_metrics) {
        if (known.name == metric.name) {
            return std::uint16_t(&known - m_metrics.data());
        }
    }
    if (m_metrics.size() > std::numeric_limits<std::uint16_t>::max()) {
        errno = EOVERFLOW;
        fail("too many metric names for");
    }
    m_metrics.push_back({metric.name, metric.unit});
    return std::uint16_t(m_metrics.size() - 1);
}

void RecordSpool::append(const IterationRecord& record) {
    if (m_fd < 0) {
        errno = EBADF;
        fail("cannot append to"); // a spool moved from
    }
    if (record.metrics.size() > std::numeric_limits<std::uint16_t>::max()) {
        errno = EOVERFLOW;
        fail("too many metrics in one record for");
    }
    put<std::int32_t>(m_pending, record.index);
    put<std::int32_t>(m_pending, record.exit_code);
    put<std::int32_t>(m_pending, record.signal);
    put<std::uint16_t>(m_pending, std::uint16_t(record.metrics.size()));
    if (m_ids_by_position.size() < record.metrics.size()) {
        m_ids_by_position.resize(record.metrics.size(), 0);
    }
    for (std::size_t i = 0; i < record.metrics.size(); ++i) {
        const MetricValue& metric = record.metrics[i];
        std::uint16_t& id = m_ids_by_position[i];
        if (id >= m_metrics.size() || m_metrics[id].name != metric.name) {
            id = metric_id(metric);
        }
        put<std::uint16_t>(m_pending, id);
        put<double>(m_pending, metric.value);
    }
    if (m_records > 0 && record.index < m_last_index) {
        m_in_index_order = false;
    }
    m_last_index = record.index;
    ++m_records;
    m_succeeded += record.exit_code == 0 ? 1 : 0;
    if (m_pending.size() >= flush_at) {
        flush();
    }
}

void RecordSpool::flush() const {
    std::size_t done = 0;
    while (done < m_pending.size()) {
        ssize_t n = ::pwrite(m_fd, m_pending.data() + done, m_pending.size() - done,
                             off_t(m_written + done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            fail("cannot write");
        }
        done += std::size_t(n);
    }
    m_written += done;
    m_pending.clear();
}

void RecordSpool::scan(const std::function<void(const Raw&)>& visit) const {
    if (m_fd < 0) {
        return;
    }
    flush();
    std::string buffer;
    std::size_t start = 0; // of the first unparsed byte in `buffer`
    std::uint64_t offset = 0;
    Raw raw;
    std::size_t seen = 0;
    while (seen < m_records) {
        // Parse what is whole; read more when the next record is not.
        std::size_t available = buffer.size() - start;
        std::size_t need = header_size;
        if (available >= header_size) {
            const char* count_at = buffer.data() + start + 3 * sizeof(std::int32_t);
            need += get<std::uint16_t>(count_at) * value_size;
        }
        if (available < need) {
            buffer.erase(0, start);
            start = 0;
            std::size_t old = buffer.size();
            buffer.resize(old + std::max(flush_at, need));
            ssize_t n = ::pread(m_fd, buffer.data() + old, buffer.size() - old, off_t(offset));
            if (n < 0 && errno == EINTR) {
                buffer.resize(old);
                continue;
            }
            if (n <= 0) {
                if (n == 0) {
                    errno = EIO; // shorter than what was written
                }
                fail("cannot read back");
            }
            buffer.resize(old + std::size_t(n));
            offset += std::uint64_t(n);
            continue;
        }
        const char* in = buffer.data() + start;
        raw.index = get<std::int32_t>(in);
        raw.exit_code = get<std::int32_t>(in);
        raw.signal = get<std::int32_t>(in);
        std::uint16_t count = get<std::uint16_t>(in);
        raw.values.clear();
        for (std::uint16_t i = 0; i < count; ++i) {
            std::uint16_t id = get<std::uint16_t>(in);
            raw.values.emplace_back(id, get<double>(in));
        }
        start += need;
        ++seen;
        visit(raw);
    }
}

void RecordSpool::for_each(const std::function<void(const IterationRecord&)>& visit) const {
    IterationRecord record;
    scan([&](const Raw& raw) {
        record.index = raw.index;
        record.exit_code = raw.exit_code;
        record.signal = raw.signal;
        record.metrics.clear();
        for (const auto& [id, value] : raw.values) {
            record.metrics.push_back({m_metrics[id].name, m_metrics[id].unit, value});
        }
        visit(record);
    });
}

std::vector<IterationRecord> RecordSpool::records() const {
    std::vector<IterationRecord> all;
    all.reserve(m_records);
    for_each([&all](const IterationRecord& record) { all.push_back(record); });
    std::stable_sort(
        all.begin(), all.end(),
        [](const IterationRecord& a, const IterationRecord& b) { return a.index < b.index; });
    return all;
}

namespace {

// The id of `metric`, or none.
std::optional<std::uint16_t> find_id(const std::vector<RecordSpool::Metric>& metrics,
                                     std::string_view metric) {
    for (std::size_t i = 0; i < metrics.size(); ++i) {
        if (metrics[i].name == metric) {
            return std::uint16_t(i);
        }
    }
    return std::nullopt;
}

} // namespace

std::vector<double> RecordSpool::values(std::string_view metric, bool successful_only) const {
    std::vector<double> out;
    std::optional<std::uint16_t> id = find_id(m_metrics, metric);
    if (!id) {
        return out;
    }
    scan([&](const Raw& raw) {
        if (successful_only && raw.exit_code != 0) {
            return;
        }
        for (const auto& [which, value] : raw.values) {
            if (which == *id) {
                out.push_back(value);
                break;
            }
        }
    });
    return out;
}

std::vector<double> RecordSpool::values_by_index(std::string_view metric) const {
    std::vector<double> out(m_records, std::numeric_limits<double>::quiet_NaN());
    std::optional<std::uint16_t> id = find_id(m_metrics, metric);
    if (!id) {
        return out;
    }
    // Where each record lands: its place in appended order, or (records that ended out of
    // order, as concurrent requests do) its rank by index, ties in appended order.
    std::vector<std::uint32_t> place;
    if (!m_in_index_order) {
        std::vector<std::pair<std::int32_t, std::uint32_t>> order;
        order.reserve(m_records);
        scan([&](const Raw& raw) { order.emplace_back(raw.index, std::uint32_t(order.size())); });
        std::stable_sort(order.begin(), order.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        place.resize(m_records);
        for (std::size_t rank = 0; rank < order.size(); ++rank) {
            place[order[rank].second] = std::uint32_t(rank);
        }
    }
    std::size_t appended = 0;
    scan([&](const Raw& raw) {
        std::size_t at = place.empty() ? appended : place[appended];
        ++appended;
        for (const auto& [which, value] : raw.values) {
            if (which == *id) {
                out[at] = value;
                break;
            }
        }
    });
    return out;
}

} // namespace farm::measure
