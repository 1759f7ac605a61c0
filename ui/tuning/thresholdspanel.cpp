#include "thresholdspanel.h"

#include "tuning/profilejson.h"
#include "tuning/profileranges.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <climits>

namespace cepheid::ui {

namespace {

QDoubleSpinBox* numberEditor(QWidget* parent, double minimum, double maximum, double step, int decimals)
{
    auto* editor = new QDoubleSpinBox(parent);
    editor->setRange(minimum, maximum);
    editor->setSingleStep(step);
    editor->setDecimals(decimals);
    editor->setKeyboardTracking(false); // typing "120" runs once, not for 1, 12 and 120
    return editor;
}

QDoubleSpinBox* numberEditor(QWidget* parent, ProfileRange<double> range, double step, int decimals)
{
    return numberEditor(parent, range.minimum, range.maximum, step, decimals);
}

// A QSpinBox holds an int: a range reaching beyond it stops at INT_MAX (larger values still load from a file).
QSpinBox* integerEditor(QWidget* parent, ProfileRange<std::int64_t> range, int step = 1)
{
    auto* editor = new QSpinBox(parent);
    editor->setRange(static_cast<int>(std::clamp<std::int64_t>(range.minimum, INT_MIN, INT_MAX)),
        static_cast<int>(std::clamp<std::int64_t>(range.maximum, INT_MIN, INT_MAX)));
    editor->setSingleStep(step);
    editor->setKeyboardTracking(false);
    return editor;
}

} // namespace

ThresholdsPanel::ThresholdsPanel(QWidget* parent)
    : QWidget(parent)
    , m_windowHours(numberEditor(this, profileranges::kWindowHours, 1, 2))
    , m_windows(new QComboBox(this))
    , m_minEvents(integerEditor(this, profileranges::kMinEvents))
    , m_minHourBuckets(integerEditor(this, profileranges::kMinHourBuckets))
    , m_maxSent(integerEditor(this, profileranges::kAverageBytes, 256))
    , m_maxReceived(integerEditor(this, profileranges::kAverageBytes, 1024))
    , m_domainRegex(new QLineEdit(this))
    , m_alertVerdict(new QComboBox(this))
    , m_beaconAt(numberEditor(this, profileranges::kVerdictThreshold, 5, 0))
    , m_likelyAt(numberEditor(this, profileranges::kVerdictThreshold, 5, 0))
    , m_possibleAt(numberEditor(this, profileranges::kVerdictThreshold, 5, 0))
    , m_fleetHosts(integerEditor(this, profileranges::kFleetHosts))
    , m_error(new QLabel(this))
{
    m_windows->addItem(tr("Hop windows (window / 10)"), static_cast<int>(WindowModel::Hop));
    m_windows->addItem(tr("Sliding windows"), static_cast<int>(WindowModel::Sliding));
    m_windowHours->setSuffix(tr(" h"));
    m_maxSent->setSuffix(tr(" B"));
    m_maxReceived->setSuffix(tr(" B"));
    m_domainRegex->setToolTip(tr("RE2, matched as a partial match against target.hostname (as re.regex does)"));
    for (Verdict verdict : { Verdict::Possible, Verdict::Likely, Verdict::Beacon })
        m_alertVerdict->addItem(QString::fromLatin1(verdictName(verdict).data()), static_cast<int>(verdict));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText); // the message quotes the pattern
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->hide();

    auto* rule = new QGroupBox(tr("Seed rule"), this);
    auto* ruleForm = new QFormLayout(rule);
    ruleForm->addRow(tr("Window"), m_windowHours);
    ruleForm->addRow(tr("Window model"), m_windows);
    ruleForm->addRow(tr("Events ≥"), m_minEvents);
    ruleForm->addRow(tr("Distinct hours ≥"), m_minHourBuckets);
    ruleForm->addRow(tr("Avg bytes sent <"), m_maxSent);
    ruleForm->addRow(tr("Avg bytes received <"), m_maxReceived);
    ruleForm->addRow(tr("Domain regex"), m_domainRegex);

    auto* score = new QGroupBox(tr("Beacon score"), this);
    auto* scoreForm = new QFormLayout(score);
    scoreForm->addRow(tr("Alert at verdict ≥"), m_alertVerdict);
    scoreForm->addRow(tr("Beacon at score ≥"), m_beaconAt);
    scoreForm->addRow(tr("Likely at score ≥"), m_likelyAt);
    scoreForm->addRow(tr("Possible at score ≥"), m_possibleAt);
    scoreForm->addRow(tr("Fleet at hosts ≥"), m_fleetHosts);
    const std::pair<QString, double ScoreWeights::*> weights[] = { { tr("Regularity"), &ScoreWeights::regularity },
        { tr("Period floor"), &ScoreWeights::periodFloor }, { tr("Harmonics"), &ScoreWeights::harmonics },
        { tr("Persistence"), &ScoreWeights::persistence }, { tr("Payload"), &ScoreWeights::payload },
        { tr("Process"), &ScoreWeights::process }, { tr("Fleet penalty"), &ScoreWeights::fleet } };
    for (const auto& [name, member] : weights) {
        auto* editor = numberEditor(this, profileranges::kWeight, 5, 0);
        editor->setSuffix(tr(" pt"));
        scoreForm->addRow(tr("Weight: %1").arg(name), editor);
        m_weights.emplace_back(editor, member);
    }

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(rule);
    layout->addWidget(score);
    layout->addWidget(m_error);
    layout->addStretch();

    for (QDoubleSpinBox* editor : { m_windowHours, m_beaconAt, m_likelyAt, m_possibleAt })
        connect(editor, &QDoubleSpinBox::valueChanged, this, &ThresholdsPanel::changed);
    for (QSpinBox* editor : { m_minEvents, m_minHourBuckets, m_maxSent, m_maxReceived, m_fleetHosts })
        connect(editor, &QSpinBox::valueChanged, this, &ThresholdsPanel::changed);
    for (const auto& [editor, member] : m_weights)
        connect(editor, &QDoubleSpinBox::valueChanged, this, &ThresholdsPanel::changed);
    connect(m_windows, &QComboBox::currentIndexChanged, this, &ThresholdsPanel::changed);
    connect(m_alertVerdict, &QComboBox::currentIndexChanged, this, &ThresholdsPanel::changed);
    // The regex runs when editing ends, not on every keystroke (a half-typed regex is rarely valid).
    connect(m_domainRegex, &QLineEdit::editingFinished, this, &ThresholdsPanel::changed);
    load(Profile {});
}

void ThresholdsPanel::load(const Profile& profile)
{
    m_loading = true;
    m_loaded = profile;
    const RuleSettings& rule = profile.rule;
    m_windowHours->setValue(rule.windowHours);
    m_windows->setCurrentIndex(m_windows->findData(static_cast<int>(rule.windows)));
    m_minEvents->setValue(static_cast<int>(std::min<std::int64_t>(rule.minEvents, INT_MAX)));
    m_minHourBuckets->setValue(static_cast<int>(rule.minHourBuckets));
    m_maxSent->setValue(static_cast<int>(std::min<std::int64_t>(rule.maxAvgBytesSent, INT_MAX)));
    m_maxReceived->setValue(static_cast<int>(std::min<std::int64_t>(rule.maxAvgBytesReceived, INT_MAX)));
    m_domainRegex->setText(QString::fromStdString(rule.domainRegex));
    m_domainRegex->setCursorPosition(0);
    const ScoreSettings& score = profile.score;
    m_alertVerdict->setCurrentIndex(m_alertVerdict->findData(static_cast<int>(score.alertVerdict)));
    m_beaconAt->setValue(score.beaconAt);
    m_likelyAt->setValue(score.likelyAt);
    m_possibleAt->setValue(score.possibleAt);
    m_fleetHosts->setValue(static_cast<int>(std::min<std::int64_t>(score.fleetHosts, 1'000'000)));
    for (const auto& [editor, member] : m_weights)
        editor->setValue(score.weights.*member);
    m_error->hide();
    m_loading = false;
}

Profile ThresholdsPanel::apply(Profile base) const
{
    RuleSettings& rule = base.rule;
    rule.windowHours = m_windowHours->value();
    rule.windows = static_cast<WindowModel>(m_windows->currentData().toInt());
    // Values a spin box cannot show exactly (beyond INT_MAX) are kept as loaded unless edited.
    auto keepOrEdited = [](std::int64_t loaded, int shown) {
        return std::min<std::int64_t>(loaded, INT_MAX) == shown ? loaded : std::int64_t(shown);
    };
    rule.minEvents = keepOrEdited(m_loaded.rule.minEvents, m_minEvents->value());
    rule.minHourBuckets = m_minHourBuckets->value();
    rule.maxAvgBytesSent = keepOrEdited(m_loaded.rule.maxAvgBytesSent, m_maxSent->value());
    rule.maxAvgBytesReceived = keepOrEdited(m_loaded.rule.maxAvgBytesReceived, m_maxReceived->value());
    rule.domainRegex = m_domainRegex->text().toStdString();
    ScoreSettings& score = base.score;
    score.alertVerdict = static_cast<Verdict>(m_alertVerdict->currentData().toInt());
    score.beaconAt = m_beaconAt->value();
    score.likelyAt = m_likelyAt->value();
    score.possibleAt = m_possibleAt->value();
    score.fleetHosts = m_fleetHosts->value();
    for (const auto& [editor, member] : m_weights)
        score.weights.*member = editor->value();
    return base;
}

QString ThresholdsPanel::problem() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void ThresholdsPanel::changed()
{
    if (m_loading)
        return;
    const Profile profile = apply(m_loaded);
    if (const auto valid = validateProfile(profile); !valid) {
        m_error->setText(QString::fromStdString(valid.error()));
        m_error->show();
        return;
    }
    m_error->hide();
    m_loaded = profile;
    emit edited();
}

} // namespace cepheid::ui
