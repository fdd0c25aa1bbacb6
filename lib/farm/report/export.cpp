#include "farm/report/export.hpp"

#include "farm/report/export_csv.hpp"
#include "farm/report/export_html.hpp"
#include "farm/report/export_json.hpp"
#include "farm/report/export_markdown.hpp"
#include "farm/report/export_prometheus.hpp"

#include <cctype>
#include <iomanip>
#include <ostream>
#include <streambuf>

namespace farm::report {

namespace {

struct FormatName {
    const char* extension;
    ExportFormat format;
};

// The one list both export_format_for and the error message come from.
constexpr FormatName formats[] = {{".json", ExportFormat::json},
                                  {".csv", ExportFormat::csv},
                                  {".md", ExportFormat::markdown},
                                  {".html", ExportFormat::html},
                                  {".prom", ExportFormat::prometheus}};

std::string joined_extensions() {
    std::string list;
    for (const FormatName& name : formats) {
        list += std::string(list.empty() ? "" : ", ") + (name.extension + 1);
    }
    return list;
}

} // namespace

std::optional<ExportFormat> export_format_for(const std::filesystem::path& file) {
    std::string extension = file.extension().string();
    for (char& c : extension) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (const FormatName& name : formats) {
        if (extension == name.extension) {
            return name.format;
        }
    }
    return std::nullopt;
}

const char* supported_export_extensions() {
    static const std::string list = joined_extensions();
    return list.c_str();
}

namespace {

// A std::ostream whose bytes go to a write function in pieces, for nlohmann::json's streaming
// dump (json::dump() builds the whole text first).
class PieceBuffer : public std::streambuf {
  public:
    explicit PieceBuffer(const std::function<void(std::string_view)>& write) : m_write(write) {
        m_buffer.resize(64 * 1024);
        setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    }
    ~PieceBuffer() override = default;
    PieceBuffer(const PieceBuffer&) = delete;
    PieceBuffer& operator=(const PieceBuffer&) = delete;

  protected:
    int_type overflow(int_type c) override {
        sync();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    int sync() override {
        if (pptr() > pbase()) {
            m_write(std::string_view(pbase(), std::size_t(pptr() - pbase())));
            setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
        }
        return 0;
    }

  private:
    const std::function<void(std::string_view)>& m_write;
    std::string m_buffer;
};

} // namespace

void write_export(ExportFormat format, const ReportData& report, const std::string& host,
                  const std::function<void(std::string_view)>& write) {
    switch (format) {
    case ExportFormat::json: {
        PieceBuffer buffer(write);
        std::ostream out(&buffer);
        out.exceptions(std::ios::badbit); // a failed write is rethrown, not a flag nobody reads
        out << std::setw(2) << report_to_json(report) << "\n";
        out.flush();
        return;
    }
    case ExportFormat::csv:
        write_csv(report, write);
        return;
    case ExportFormat::markdown:
        write(report_to_markdown(report));
        return;
    case ExportFormat::html:
        write(report_to_html(report));
        return;
    case ExportFormat::prometheus:
        write(report_to_prometheus(report, host));
        return;
    }
}

std::string render_export(ExportFormat format, const ReportData& report, const std::string& host) {
    std::string text;
    write_export(format, report, host, [&text](std::string_view piece) { text.append(piece); });
    return text;
}

} // namespace farm::report
