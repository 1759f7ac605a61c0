#pragma once

#include "tuning/profile.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace cepheid::ui {

// Editors for the rule's thresholds and window model and the score's alert verdict, thresholds and weights.
// Every edit that leaves a valid profile emits edited(); an invalid one (a regex RE2 refuses, thresholds out of
// order) is shown inline and not emitted, so the findings never run on a half-valid profile.
class ThresholdsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ThresholdsPanel(QWidget* parent = nullptr);

    // Shows a profile without emitting edited().
    void load(const Profile& profile);
    // `base` with this panel's values (allowlist and catalog are not edited here).
    Profile apply(Profile base) const;
    QString problem() const;

    QSpinBox* minEventsEditor() const { return m_minEvents; }
    QComboBox* alertVerdictEditor() const { return m_alertVerdict; }
    QLineEdit* domainRegexEditor() const { return m_domainRegex; }

signals:
    // The values changed and are valid: apply() them to the working profile.
    void edited();

private:
    void changed();

    Profile m_loaded;
    bool m_loading = false;
    QDoubleSpinBox* m_windowHours;
    QComboBox* m_windows;
    QSpinBox* m_minEvents;
    QSpinBox* m_minHourBuckets;
    QSpinBox* m_maxSent;
    QSpinBox* m_maxReceived;
    QLineEdit* m_domainRegex;
    QComboBox* m_alertVerdict;
    QDoubleSpinBox* m_beaconAt;
    QDoubleSpinBox* m_likelyAt;
    QDoubleSpinBox* m_possibleAt;
    QSpinBox* m_fleetHosts;
    std::vector<std::pair<QDoubleSpinBox*, double ScoreWeights::*>> m_weights;
    QLabel* m_error;
};

} // namespace cepheid::ui
