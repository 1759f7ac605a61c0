#include "reportpdf.h"

#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QPdfWriter>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextObjectInterface>
#include <QTextTable>

namespace cepheid::ui {

namespace {

constexpr int kChartObject = QTextFormat::UserObject + 1;
constexpr int kFindingProperty = QTextFormat::UserProperty + 1;
constexpr int kChartProperty = QTextFormat::UserProperty + 2;
constexpr int kDpi = 96;

QString qtext(const std::string& text)
{
    return QString::fromStdString(text);
}

// A chart in the text flow: one object as wide as the text, drawn when its page is painted.
class ChartObject : public QObject, public QTextObjectInterface
{
    Q_OBJECT
    Q_INTERFACES(QTextObjectInterface)

public:
    ChartObject(const CaseReport& report, const ReportCharts& charts, double width)
        : m_report(report)
        , m_charts(charts)
        , m_width(width)
    { }

    QSizeF intrinsicSize(QTextDocument*, int, const QTextFormat& format) override
    {
        const QSizeF natural = ReportCharts::size(static_cast<ReportChart>(format.intProperty(kChartProperty)));
        return { m_width, natural.height() * m_width / natural.width() }; // drawn at this scale, whatever the dpi
    }

    void drawObject(QPainter* painter, const QRectF& rect, QTextDocument*, int, const QTextFormat& format) override
    {
        const auto finding = static_cast<std::size_t>(format.intProperty(kFindingProperty));
        if (finding >= m_report.findings.size())
            return;
        // Laid out at the chart's natural width and scaled, so text keeps its size relative to the plot.
        const QSizeF natural = ReportCharts::size(static_cast<ReportChart>(format.intProperty(kChartProperty)));
        const double scale = rect.width() / natural.width();
        painter->save();
        painter->translate(rect.topLeft());
        painter->scale(scale, scale);
        painter->setClipRect(QRectF(QPointF(0, 0), natural), Qt::IntersectClip);
        m_charts.paint(*painter, QRectF(QPointF(0, 0), natural), *m_report.findings[finding],
            static_cast<ReportChart>(format.intProperty(kChartProperty)));
        painter->restore();
        painter->setPen(QColor(0xd0, 0xd7, 0xde));
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(rect);
    }

private:
    const CaseReport& m_report;
    const ReportCharts& m_charts;
    double m_width;
};

class PdfBuilder
{
public:
    PdfBuilder(QTextDocument& document, double width)
        : m_document(document)
        , m_cursor(&document)
        , m_width(width)
    {
        m_body.setFontPointSize(9);
        // No ligatures: "first.workers.dev" must copy and search as typed, not as "ﬁrst".
        m_body.setFontStyleStrategy(QFont::PreferNoShaping);
        m_body.setForeground(QColor(0x1b, 0x1f, 0x24));
        m_muted = m_body;
        m_muted.setForeground(QColor(0x57, 0x60, 0x6a));
        m_bold = m_body;
        m_bold.setFontWeight(QFont::Bold);
        m_mono = m_body;
        m_mono.setFontFamilies({ QStringLiteral("DejaVu Sans Mono"), QStringLiteral("monospace") });
        m_mono.setFontPointSize(7.5);
    }

    // False when progress says stop (it is told 0 of 0 now and then: the pages are not counted yet).
    bool add(const CaseReport& report, const ReportProgress& progress)
    {
        // One edit block: the document is laid out once at the end, not after every insertion.
        m_cursor.beginEditBlock();
        bool first = true;
        std::size_t added = 0;
        for (const ReportBlock& block : report.blocks) {
            if (progress && ++added % 64 == 0 && !progress(0, 0)) {
                m_cursor.endEditBlock();
                return false;
            }
            switch (block.kind) {
            case ReportBlock::Kind::Heading:
                heading(block, first);
                break;
            case ReportBlock::Kind::Paragraph:
                paragraph(qtext(block.text), block.muted ? m_muted : m_body);
                break;
            case ReportBlock::Kind::Facts:
                table(block.rows, false);
                break;
            case ReportBlock::Kind::Table:
                table(block.rows, true);
                break;
            case ReportBlock::Kind::Chart:
                chart(block);
                break;
            case ReportBlock::Kind::Records:
                paragraph(qtext(block.text), m_muted);
                for (const std::string& record : block.records)
                    rawRecord(qtext(record));
                break;
            }
            first = false;
        }
        m_cursor.endEditBlock();
        return true;
    }

private:
    QTextBlockFormat spaced(double before, double after) const
    {
        QTextBlockFormat format;
        format.setTopMargin(before);
        format.setBottomMargin(after);
        return format;
    }

    void newBlock(const QTextBlockFormat& format, const QTextCharFormat& chars)
    {
        // The document starts with an empty block: use it for the first one.
        if (m_started)
            m_cursor.insertBlock(format, chars);
        else {
            m_cursor.setBlockFormat(format);
            m_cursor.setBlockCharFormat(chars);
        }
        m_started = true;
    }

    void heading(const ReportBlock& block, bool first)
    {
        const double sizes[] = { 17, 14, 11.5 };
        QTextCharFormat chars = m_bold;
        chars.setFontPointSize(sizes[std::clamp(block.level, 1, 3) - 1]);
        if (block.level == 2)
            chars.setForeground(QColor(0x1f, 0x5f, 0x8b));
        QTextBlockFormat format = spaced(first ? 0 : 14, 6);
        if (block.newPage)
            format.setPageBreakPolicy(QTextFormat::PageBreak_AlwaysBefore);
        newBlock(format, chars);
        m_cursor.insertText(qtext(block.text), chars);
    }

    void paragraph(const QString& text, const QTextCharFormat& chars)
    {
        newBlock(spaced(2, 4), chars);
        m_cursor.insertText(text, chars);
    }

    void rawRecord(const QString& text)
    {
        QTextBlockFormat format = spaced(2, 4);
        format.setBackground(QColor(0xf6, 0xf8, 0xfa));
        format.setLeftMargin(4);
        format.setNonBreakableLines(false);
        newBlock(format, m_mono);
        // Plain text: a line break in the record stays a line break within the block.
        QString flat = text;
        flat.replace(QLatin1Char('\n'), QChar::LineSeparator);
        m_cursor.insertText(flat, m_mono);
    }

    void chart(const ReportBlock& block)
    {
        newBlock(spaced(8, 2), m_body);
        QTextCharFormat object;
        object.setObjectType(kChartObject);
        object.setProperty(kFindingProperty, static_cast<int>(block.finding));
        object.setProperty(kChartProperty, static_cast<int>(block.chart));
        m_cursor.insertText(QString(QChar::ObjectReplacementCharacter), object);
        paragraph(qtext(block.text), m_muted);
    }

    // Columns share the width by what they hold: every header gets the room its words need (no "Autho r"), then
    // the columns with more to say (an explanation, a path) share the rest by how much more, up to 60 characters.
    QList<QTextLength> columnWidths(
        const std::vector<std::vector<std::string>>& rows, std::size_t columns, bool header) const
    {
        if (!header)
            return { QTextLength(QTextLength::PercentageLength, 24), QTextLength(QTextLength::PercentageLength, 76) };
        const QFontMetricsF metrics(m_document.defaultFont(), m_document.documentLayout()->paintDevice());
        const double capacity = m_width / std::max(1.0, metrics.averageCharWidth()); // characters per line
        std::vector<double> least(columns, 3), wanted(columns, 3);
        for (std::size_t r = 0; r < rows.size(); ++r)
            for (std::size_t c = 0; c < rows[r].size(); ++c) {
                const auto length = static_cast<double>(QString::fromStdString(rows[r][c]).size());
                if (r == 0)
                    least[c] = std::max(least[c], length * 1.2 + 2); // bold, and the cell's padding
                wanted[c] = std::max(wanted[c], std::min(length, 60.0) + 2);
            }
        double leastTotal = 0, more = 0;
        for (std::size_t c = 0; c < columns; ++c) {
            wanted[c] = std::max(wanted[c], least[c]);
            leastTotal += least[c];
            more += wanted[c] - least[c];
        }
        const double room = std::max(0.0, capacity - leastTotal);
        std::vector<double> widths(columns);
        double total = 0;
        for (std::size_t c = 0; c < columns; ++c) {
            widths[c] = least[c] + (more > 0 ? (wanted[c] - least[c]) * std::min(1.0, room / more) : 0);
            total += widths[c];
        }
        QList<QTextLength> lengths;
        for (const double width : widths)
            lengths.append(QTextLength(QTextLength::PercentageLength, 100 * width / total));
        return lengths;
    }

    void table(const std::vector<std::vector<std::string>>& rows, bool header)
    {
        if (rows.empty())
            return;
        std::size_t columns = 0;
        for (const auto& row : rows)
            columns = std::max(columns, row.size());
        newBlock(spaced(4, 0), m_body);
        QTextTableFormat format;
        format.setBorder(0.5);
        format.setBorderBrush(QColor(0xd0, 0xd7, 0xde));
        format.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
        format.setBorderCollapse(true);
        format.setCellPadding(3);
        format.setCellSpacing(0);
        format.setWidth(QTextLength(QTextLength::PercentageLength, 100));
        format.setHeaderRowCount(header ? 1 : 0);
        format.setBottomMargin(8);
        format.setColumnWidthConstraints(columnWidths(rows, columns, header));
        QTextTable* table = m_cursor.insertTable(static_cast<int>(rows.size()), static_cast<int>(columns), format);
        for (std::size_t r = 0; r < rows.size(); ++r)
            for (std::size_t c = 0; c < rows[r].size(); ++c) {
                QTextTableCell cell = table->cellAt(static_cast<int>(r), static_cast<int>(c));
                const bool head = (header && r == 0) || (!header && c == 0);
                if (head) {
                    QTextCharFormat background = cell.format();
                    background.setBackground(QColor(0xee, 0xf2, 0xf6));
                    cell.setFormat(background);
                }
                QTextCursor at = cell.firstCursorPosition();
                at.insertText(qtext(rows[r][c]), head ? m_bold : m_body);
            }
        m_cursor = table->lastCursorPosition();
        m_cursor.movePosition(QTextCursor::NextBlock);
    }

    QTextDocument& m_document;
    QTextCursor m_cursor;
    double m_width;
    bool m_started = false;
    QTextCharFormat m_body, m_muted, m_bold, m_mono;
};

} // namespace

bool paintReport(const CaseReport& report, const ReportCharts& charts, QPagedPaintDevice& device,
    const ReportProgress& progress, std::string& error)
{
    QTextDocument document;
    document.documentLayout()->setPaintDevice(&device);
    QFont base(QStringLiteral("DejaVu Sans"));
    base.setPointSizeF(9);
    base.setStyleStrategy(QFont::PreferNoShaping); // no ligatures (see PdfBuilder)
    document.setDefaultFont(base);
    QTextOption wrapping = document.defaultTextOption();
    wrapping.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere); // long hostnames and JSON lines wrap
    document.setDefaultTextOption(wrapping);
    document.setDocumentMargin(0);

    QPainter painter;
    if (!painter.begin(&device)) {
        error = "the page device could not start painting";
        return false;
    }
    const QFontMetricsF footerMetrics(base, &device);
    const double width = device.width();
    const double footer = footerMetrics.height() * 2;
    const double pageHeight = device.height() - footer;
    document.setPageSize(QSizeF(width, pageHeight));

    ChartObject chartObject(report, charts, width);
    document.documentLayout()->registerHandler(kChartObject, &chartObject);
    if (!PdfBuilder(document, width).add(report, progress)) {
        painter.end();
        return false;
    }

    const int pages = document.pageCount();
    const QString title = QString::fromStdString(report.title);
    for (int page = 0; page < pages; ++page) {
        if (progress && !progress(static_cast<std::size_t>(page), static_cast<std::size_t>(pages))) {
            painter.end();
            return false;
        }
        if (page > 0)
            device.newPage();
        painter.save();
        const QRectF clip(0, page * pageHeight, width, pageHeight);
        painter.translate(0, -page * pageHeight);
        painter.setClipRect(clip);
        QAbstractTextDocumentLayout::PaintContext context;
        context.clip = clip;
        document.documentLayout()->draw(&painter, context);
        painter.restore();
        // The footer: the report's title and "page N of M".
        painter.setFont(base);
        painter.setPen(QColor(0x57, 0x60, 0x6a));
        const QRectF line(0, pageHeight + footer / 2, width, footer / 2);
        painter.drawText(
            line, Qt::AlignLeft | Qt::AlignVCenter, footerMetrics.elidedText(title, Qt::ElideRight, width * 0.7));
        painter.drawText(
            line, Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("page %1 of %2").arg(page + 1).arg(pages));
    }
    if (progress)
        progress(static_cast<std::size_t>(pages), static_cast<std::size_t>(pages));
    painter.end();
    return true;
}

std::optional<QByteArray> writeReportPdf(
    const CaseReport& report, const ReportCharts& charts, const ReportProgress& progress, std::string& error)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setResolution(kDpi);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageMargins(QMarginsF(15, 14, 15, 12), QPageLayout::Millimeter);
        writer.setTitle(QString::fromStdString(report.title));
        writer.setCreator(QStringLiteral("Cepheid"));
        if (!paintReport(report, charts, writer, progress, error))
            return std::nullopt;
    }
    buffer.close();
    return buffer.data();
}

} // namespace cepheid::ui

#include "reportpdf.moc"
