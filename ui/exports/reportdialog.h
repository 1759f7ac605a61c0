#pragma once

#include "session/reportjob.h"

#include <QDialog>
#include <QFutureWatcher>
#include <memory>

class QComboBox;
class QLabel;
class QPrinter;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace cepheid::ui {

// File ▸ Export ▸ Case Report: the format, which findings (with how many each choice holds), the raw records per
// finding, a print preview, and an export that runs off the GUI thread with progress and Cancel. The report is of
// the snapshot the window showed when the dialog opened.
class ReportDialog : public QDialog
{
    Q_OBJECT

public:
    ReportDialog(
        SnapshotPtr snapshot, QString casePath, std::vector<std::uint32_t> selectedFlows, QWidget* parent = nullptr);
    ~ReportDialog() override;

    ReportRequest request() const; // as the controls say (path empty)
    void setFormat(ReportFormat format);
    // Chooses the findings entry whose text starts with `prefix` ("Alerting", "All", "Selected"…).
    bool chooseFindings(const QString& prefix);
    void setRawRecords(int count);
    int findingsCount() const; // in the current choice
    // Starts the export to `path` (the Export button asks for it); finished() tells how it ended.
    bool exportTo(const QString& path);
    bool isRunning() const { return m_watcher.isRunning(); }
    // What the print preview shows: the first kPreviewFindings of the choice, onto `printer`.
    void paintPreview(QPrinter* printer);

    static constexpr int kPreviewFindings = 25;

signals:
    // ok: written to path; otherwise error says why (empty: cancelled).
    void finished(bool ok, const QString& path, const QString& error);

protected:
    void reject() override; // Esc or Close: cancels a running export first

private:
    void chooseAndExport();
    void preview();
    void updateCounts();
    void setRunning(bool running);

    SnapshotPtr m_snapshot;
    QString m_casePath;
    std::vector<std::uint32_t> m_selectedFlows;
    QComboBox* m_format;
    QComboBox* m_findings;
    QSpinBox* m_raw;
    QLabel* m_count;
    QLabel* m_status;
    QProgressBar* m_progress;
    QPushButton* m_previewButton;
    QPushButton* m_exportButton;
    QPushButton* m_closeButton;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    struct Outcome
    {
        bool written = false;
        QString error; // empty when written or cancelled
    };
    QFutureWatcher<Outcome> m_watcher;
    QString m_path;
};

} // namespace cepheid::ui
