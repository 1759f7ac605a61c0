#include "theme.h"

#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace cepheid::ui {

namespace {

QPalette darkPalette()
{
    // Text on base at about 13:1, disabled text still above 4.5:1, a highlight that white text reads on.
    QPalette palette;
    const QColor window(45, 45, 48), base(30, 30, 32), alternate(40, 40, 43), text(230, 230, 230);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, alternate);
    palette.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, window);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, QColor(255, 120, 120));
    palette.setColor(QPalette::Link, QColor(110, 180, 255));
    palette.setColor(QPalette::Highlight, QColor(38, 98, 160));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Light, QColor(70, 70, 74));
    palette.setColor(QPalette::Midlight, QColor(58, 58, 62));
    palette.setColor(QPalette::Mid, QColor(35, 35, 38));
    palette.setColor(QPalette::Dark, QColor(20, 20, 22));
    palette.setColor(QPalette::Shadow, Qt::black);
    for (const auto role : { QPalette::Text, QPalette::WindowText, QPalette::ButtonText })
        palette.setColor(QPalette::Disabled, role, QColor(140, 140, 140));
    return palette;
}

// The platform's own style and palette, captured before any theme is applied.
struct SystemLook
{
    bool captured = false;
    QString style;
    QPalette palette;
};

SystemLook& systemLook()
{
    static SystemLook look;
    return look;
}

} // namespace

Theme themeFromName(const QString& name)
{
    if (name.compare(QStringLiteral("dark"), Qt::CaseInsensitive) == 0)
        return Theme::Dark;
    if (name.compare(QStringLiteral("light"), Qt::CaseInsensitive) == 0)
        return Theme::Light;
    return Theme::System;
}

QString themeName(Theme theme)
{
    return theme == Theme::Dark ? QStringLiteral("dark")
        : theme == Theme::Light ? QStringLiteral("light")
                                : QStringLiteral("system");
}

void applyTheme(Theme theme)
{
    SystemLook& system = systemLook();
    if (!system.captured) {
        system.captured = true;
        system.style = QApplication::style()->name();
        system.palette = QApplication::palette();
        if (theme == Theme::System)
            return; // nothing to change: the platform's look (a dark desktop stays dark)
    }
    if (theme == Theme::System) {
        QApplication::setStyle(QStyleFactory::create(system.style));
        QApplication::setPalette(system.palette);
        return;
    }
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(theme == Theme::Dark ? darkPalette() : QApplication::style()->standardPalette());
}

Theme savedTheme()
{
    return themeFromName(QSettings().value(QStringLiteral("theme")).toString());
}

void saveTheme(Theme theme)
{
    QSettings().setValue(QStringLiteral("theme"), themeName(theme));
}

} // namespace cepheid::ui
