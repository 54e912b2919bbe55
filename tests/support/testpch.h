// The precompiled header of the test programs (tests/CMakeLists.txt, tap_test_pch): the Qt and
// standard headers most tests include. Project headers stay out of it, so a test still has to
// include what it uses from TAP, and a change to a TAP header rebuilds only the tests that
// include it. Which Qt modules a directory's tests link decides the optional parts.
#pragma once

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QUrlQuery>
#include <QUuid>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#ifdef QT_NETWORK_LIB
#  include <QTcpServer>
#  include <QTcpSocket>
#endif
#ifdef QT_WIDGETS_LIB
#  include <QAction>
#  include <QApplication>
#  include <QCheckBox>
#  include <QComboBox>
#  include <QLabel>
#  include <QLineEdit>
#  include <QPlainTextEdit>
#  include <QPushButton>
#  include <QStackedWidget>
#  include <QTableView>
#endif
