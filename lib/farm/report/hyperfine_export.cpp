#include "farm/report/hyperfine_export.hpp"

#include "farm/core/atomic_file.hpp"
#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/history/hyperfine_json.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <set>

namespace farm::report::hyperfine {

namespace {

using history::HyperfineFigures;

// As Rust's `f64::to_string`: shortest round-trip digits, positional notation.
std::string rust_number(double value) {
    if (!std::isfinite(value)) {
        return value != value ? "NaN" : (value > 0 ? "inf" : "-inf");
    }
    char buffer[400]; // the longest fixed form of a double is about 330 characters
    std::to_chars_result r =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    return std::string(buffer, r.ptr);
}

std::string csv_number(const std::optional<double>& value) {
    return value ? rust_number(*value) : "";
}

// hyperfine's units for a table (src/util/units.rs, src/output/format.rs).
struct Unit {
    const char* name;
    double factor;
    int decimals;
};

Unit unit_for(double seconds) {
    if (seconds < 0.001) {
        return {"µs", 1e6, 1};
    }
    if (seconds < 1.0) {
        return {"ms", 1e3, 1};
    }
    return {"s", 1.0, 3};
}

std::string in_unit(double seconds, const Unit& unit) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", unit.decimals, seconds * unit.factor);
    return buffer;
}

std::string two_decimals(double value) {
    if (std::isinf(value)) {
        return "inf"; // Rust's {:.2} of infinity
    }
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.2f", value);
    return buffer;
}

// "1.00" for the reference, else the ratio to it and its propagated stddev (markup.rs and
// relative_speed.rs: covariance assumed to be 0).
std::string relative_cell(const HyperfineFigures& f, const HyperfineFigures& fastest,
                          bool is_reference) {
    if (*f.mean == 0.0) {
        return is_reference ? "1.00" : "inf";
    }
    double ratio = *f.mean < *fastest.mean   ? *fastest.mean / *f.mean
                   : *f.mean > *fastest.mean ? *f.mean / *fastest.mean
                                             : 1.0;
    std::string cell = two_decimals(ratio);
    if (!is_reference && f.stddev && fastest.stddev) {
        double relative =
            std::pow(*f.stddev / *f.mean, 2) + std::pow(*fastest.stddev / *fastest.mean, 2);
        cell += " ± " + two_decimals(ratio * std::sqrt(relative));
    }
    return cell;
}

std::string markdown_row(const std::vector<std::string>& cells) {
    std::string row = "|";
    for (const std::string& cell : cells) {
        row += " " + cell + " |";
    }
    return row + "\n";
}

std::string escaped_command(const std::string& command) {
    std::string text;
    for (char c : command) {
        if (c == '|') {
            text += '\\';
        }
        text += c;
    }
    return "`" + text + "`";
}

} // namespace

ExportFormat export_format_for(const std::filesystem::path& file) {
    std::string extension = file.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (extension == ".json") {
        return ExportFormat::json;
    }
    if (extension == ".csv") {
        return ExportFormat::csv;
    }
    if (extension == ".md" || extension == ".markdown") {
        return ExportFormat::markdown;
    }
    throw UsageError("cannot export to " + file.string() +
                     ": the extension picks the format; use .json, .csv or .md (as hyperfine's "
                     "--export-json, --export-csv and --export-markdown)");
}

std::string hyperfine_json(const std::vector<history::Run>& runs) {
    return history::hyperfine_json(runs);
}

std::string hyperfine_csv(const std::vector<history::Run>& runs) {
    std::set<std::string> names; // sorted, as hyperfine's BTreeMap
    for (const history::Run& run : runs) {
        for (const auto& parameter : run.parameters) {
            names.insert(parameter.first);
        }
    }
    std::string text = "command,mean,stddev,median,user,system,min,max";
    for (const std::string& name : names) {
        text += "," + core::csv_field("parameter_" + name);
    }
    text += "\n";
    for (const history::Run& run : runs) {
        HyperfineFigures f = history::hyperfine_figures(run);
        // hyperfine writes `stddev.unwrap_or(0.0)`; farm only where there are statistics.
        std::optional<double> stddev = f.mean ? std::optional(f.stddev.value_or(0.0)) : f.stddev;
        text += core::csv_field(run.command);
        for (const std::optional<double>& value :
             {f.mean, stddev, f.median, f.user, f.system, f.min, f.max}) {
            text += "," + csv_number(value);
        }
        for (const std::string& name : names) {
            auto it = std::find_if(run.parameters.begin(), run.parameters.end(),
                                   [&name](const auto& p) { return p.first == name; });
            text +=
                "," + (it == run.parameters.end() ? std::string() : core::csv_field(it->second));
        }
        text += "\n";
    }
    return text;
}

std::string hyperfine_markdown(const std::vector<history::Run>& runs) {
    std::vector<HyperfineFigures> figures;
    std::optional<std::size_t> fastest; // the first of the smallest means, as Rust's min_by
    for (const history::Run& run : runs) {
        figures.push_back(history::hyperfine_figures(run));
        const HyperfineFigures& f = figures.back();
        if (f.mean && (!fastest || *f.mean < *figures[*fastest].mean)) {
            fastest = figures.size() - 1;
        }
    }
    Unit unit = unit_for(!figures.empty() && figures[0].mean ? *figures[0].mean : 1.0);
    std::string suffix = std::string(" [") + unit.name + "]";
    std::string table =
        markdown_row({"Command", "Mean" + suffix, "Min" + suffix, "Max" + suffix, "Relative"});
    table += "|:---|---:|---:|---:|---:|\n";
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const HyperfineFigures& f = figures[i];
        if (!f.mean) {
            table += markdown_row({escaped_command(runs[i].command), "n/a", "n/a", "n/a", "n/a"});
            continue;
        }
        std::string mean = in_unit(*f.mean, unit);
        if (f.stddev) {
            mean += " ± " + in_unit(*f.stddev, unit);
        }
        table += markdown_row({escaped_command(runs[i].command), mean, in_unit(*f.min, unit),
                               in_unit(*f.max, unit),
                               relative_cell(f, figures[*fastest], i == *fastest)});
    }
    return table;
}

std::string render(ExportFormat format, const std::vector<history::Run>& runs) {
    switch (format) {
    case ExportFormat::json:
        return history::hyperfine_json(runs);
    case ExportFormat::csv:
        return hyperfine_csv(runs);
    case ExportFormat::markdown:
        return hyperfine_markdown(runs);
    }
    return history::hyperfine_json(runs);
}

void write_hyperfine_export(const std::filesystem::path& file,
                            const std::vector<history::Run>& runs) {
    ExportFormat format = export_format_for(file);
    core::write_file_atomically(file, render(format, runs));
}

} // namespace farm::report::hyperfine
