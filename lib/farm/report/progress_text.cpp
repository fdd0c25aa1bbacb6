#include "farm/report/progress_text.hpp"

#include "farm/report/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace farm::report {

namespace {

constexpr std::size_t min_bar = 10;
constexpr std::size_t max_bar = 40;

// Characters, not bytes: a label may hold any UTF-8 text, and the bar's blocks are 3 bytes each.
std::size_t text_width(const std::string& text) {
    std::size_t width = 0;
    for (unsigned char c : text) {
        width += (c & 0xC0) != 0x80 ? 1 : 0;
    }
    return width;
}

// The first `width` characters of `text`, never a partial UTF-8 sequence.
std::string cut_to_width(const std::string& text, std::size_t width) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        bool starts_character = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
        if (starts_character && seen++ == width) {
            return text.substr(0, i);
        }
    }
    return text;
}

std::string cut_with_mark(const std::string& text, std::size_t width, BarGlyphs glyphs) {
    if (text_width(text) <= width) {
        return text;
    }
    std::string mark = glyphs == BarGlyphs::unicode ? "…" : "~";
    return width == 0 ? std::string() : cut_to_width(text, width - 1) + mark;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
    std::string out;
    for (const std::string& part : parts) {
        if (!part.empty()) {
            out += (out.empty() ? "" : separator) + part;
        }
    }
    return out;
}

std::string two_digits(long value) {
    char text[8];
    std::snprintf(text, sizeof text, "%02ld", value);
    return text;
}

std::string coloured_bar(double fraction, std::size_t width, const LineStyle& style) {
    std::string bar = progress_bar(fraction, width, style.glyphs);
    if (!style.color) {
        return bar;
    }
    return "\033[36m" + bar + "\033[0m";
}

} // namespace

std::optional<double> remaining_time(const ProgressSnapshot& snapshot) {
    if (snapshot.remaining_s) {
        return std::max(0.0, *snapshot.remaining_s);
    }
    if (!snapshot.fraction || *snapshot.fraction <= 0 || snapshot.elapsed_s <= 0) {
        return std::nullopt;
    }
    double f = std::min(1.0, *snapshot.fraction);
    return snapshot.elapsed_s * (1 - f) / f;
}

std::string clock_text(double seconds) {
    long s = std::isfinite(seconds) && seconds > 0 ? std::lround(seconds) : 0;
    long hours = s / 3600;
    std::string minutes_seconds = two_digits(s / 60 % 60) + ":" + two_digits(s % 60);
    return hours > 0 ? std::to_string(hours) + ":" + minutes_seconds : minutes_seconds;
}

std::string duration_words(double seconds) {
    long s = std::isfinite(seconds) && seconds > 0 ? std::lround(seconds) : 0;
    if (s < 60) {
        return std::to_string(s) + " s";
    }
    if (s < 3600) {
        return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
    }
    return std::to_string(s / 3600) + " h " + two_digits(s / 60 % 60) + " min";
}

std::string progress_bar(double fraction, std::size_t width, BarGlyphs glyphs) {
    double f = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.0) : 0.0;
    if (glyphs == BarGlyphs::ascii) {
        std::size_t full = std::min(width, std::size_t(std::floor(f * double(width))));
        return std::string(full, '#') + std::string(width - full, '-');
    }
    static const char* const eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    std::size_t parts = std::size_t(std::floor(f * double(width) * 8));
    std::size_t full = std::min(width, parts / 8);
    std::string bar;
    for (std::size_t i = 0; i < full; ++i) {
        bar += "█";
    }
    std::size_t used = full;
    if (full < width && parts % 8 != 0) {
        bar += eighths[parts % 8];
        ++used;
    }
    for (; used < width; ++used) {
        bar += "░";
    }
    return bar;
}

std::string progress_line(const ProgressSnapshot& snapshot, const LineStyle& style) {
    std::size_t room = style.columns > 1 ? style.columns - 1 : 0;
    std::optional<double> remaining = remaining_time(snapshot);
    std::string times = clock_text(snapshot.elapsed_s);
    if (remaining) {
        times += "  ETA " + clock_text(*remaining);
    }
    std::string head = join({snapshot.label, snapshot.counter}, "  ");
    // The details go one by one from the last (the least needed), before the bar does.
    std::vector<std::string> lefts;
    for (std::size_t kept = snapshot.details.size() + 1; kept-- > 0;) {
        std::vector<std::string> details(snapshot.details.begin(),
                                         snapshot.details.begin() + std::ptrdiff_t(kept));
        lefts.push_back(join({head, join(details, "  ")}, "  "));
    }
    for (const std::string& left : lefts) {
        std::size_t used = text_width(left) + (left.empty() ? 0 : 2) + text_width(times);
        if (snapshot.fraction && used + 2 + min_bar <= room) {
            std::size_t width = std::min(max_bar, room - used - 2);
            return (left.empty() ? "" : left + "  ") +
                   coloured_bar(*snapshot.fraction, width, style) + "  " + times;
        }
    }
    // No room for a bar: the label is cut, the count and the times stay while they fit.
    std::string tail = join({snapshot.counter, times}, "  ");
    if (text_width(tail) + 2 >= room) {
        return cut_with_mark(tail, room, style.glyphs);
    }
    std::size_t label_room = room - text_width(tail) - 2;
    std::string label = cut_with_mark(snapshot.label, label_room, style.glyphs);
    return label.empty() ? tail : label + "  " + tail;
}

std::string milestone_line(const std::string& command, const ProgressSnapshot& snapshot) {
    std::vector<std::string> parts = {snapshot.counter};
    parts.insert(parts.end(), snapshot.details.begin(), snapshot.details.end());
    parts.push_back(duration_words(snapshot.elapsed_s) + " elapsed");
    if (std::optional<double> remaining = remaining_time(snapshot)) {
        parts.push_back("about " + duration_words(*remaining) + " left");
    }
    std::string line = command + ": ";
    if (!snapshot.label.empty()) {
        line += snapshot.label + ": ";
    }
    line += join(parts, ", ");
    std::replace(line.begin(), line.end(), '\n', ' ');
    return line;
}

MilestoneThrottle::MilestoneThrottle(double interval_s, double repeat_s)
    : m_interval_s(interval_s), m_repeat_s(repeat_s) {}

bool MilestoneThrottle::due(double now_s, const std::string& key) {
    if (m_written) {
        double since = now_s - m_last_s;
        bool changed = key != m_last_key;
        if (since < m_interval_s || (!changed && since < m_repeat_s)) {
            return false;
        }
    }
    m_written = true;
    m_last_s = now_s;
    m_last_key = key;
    return true;
}

void MilestoneThrottle::mark(double now_s) {
    m_written = true;
    m_last_s = now_s;
    m_last_key.clear();
}

ProgressSnapshot run_progress(const std::string& label, const measure::Progress& progress) {
    ProgressSnapshot snapshot;
    snapshot.label = label;
    if (progress.planned > 0) {
        snapshot.counter = std::string(progress.warmup ? "warm-up " : "run ") +
                           std::to_string(progress.current) + "/" +
                           std::to_string(progress.planned);
    }
    if (!progress.warmup && progress.mean_wall_s > 0) {
        snapshot.details.push_back("mean " + format_value(progress.mean_wall_s, "s"));
        snapshot.remaining_s = progress.eta_s;
    }
    if (!progress.warmup && progress.planned > 0) {
        snapshot.fraction = double(progress.current - 1) / double(progress.planned);
    }
    return snapshot;
}

CombinedRuns combine_runs(const std::vector<std::optional<measure::Progress>>& latest) {
    double done = 0, planned = 0, remaining = 0, per_run = 0;
    std::size_t seen = 0, timed = 0;
    for (const std::optional<measure::Progress>& p : latest) {
        if (!p || p->warmup) {
            continue; // a warm-up's count is of warm-ups, not of the runs to come
        }
        ++seen;
        done += double(p->current - 1);
        planned += double(p->planned);
        remaining += p->eta_s;
        if (p->mean_wall_s > 0) {
            per_run += p->mean_wall_s;
            ++timed;
        }
    }
    CombinedRuns combined;
    if (seen == 0) {
        return combined;
    }
    double unseen = double(latest.size() - seen);
    double runs_each = planned / double(seen);
    planned += unseen * runs_each;
    combined.fraction = planned > 0 ? done / planned : 0;
    if (timed == seen) {
        combined.remaining_s = remaining + unseen * runs_each * per_run / double(timed);
    }
    return combined;
}

ProgressSnapshot request_progress(const std::string& label, const RequestCounts& c) {
    ProgressSnapshot snapshot;
    snapshot.label = label;
    snapshot.counter = std::to_string(c.ended) + "/" + std::to_string(c.planned) + " requests";
    std::size_t in_flight = c.sent > c.ended ? c.sent - c.ended : 0;
    snapshot.details.push_back(std::to_string(in_flight) + " in flight");
    snapshot.details.push_back(std::to_string(c.failed) + (c.failed == 1 ? " error" : " errors"));
    if (c.elapsed_s > 0 && c.ended > 0) {
        char rate[32];
        std::snprintf(rate, sizeof rate, "%.1f req/s", double(c.ended) / c.elapsed_s);
        snapshot.details.emplace_back(rate);
    }
    double fraction = c.planned > 0 ? double(c.ended) / double(c.planned) : 0;
    if (c.deadline_s > 0) {
        fraction = std::max(fraction, c.elapsed_s / c.deadline_s);
    }
    snapshot.fraction = std::min(1.0, fraction);
    return snapshot;
}

} // namespace farm::report
