#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>
#include <QVariant>

#include <functional>

namespace tap::console {

// One column of a RowsModel: its header, what a row shows in it, and what the row sorts by.
struct Column
{
    using Text = std::function<QString(const QJsonObject &row)>;
    using Key = std::function<QVariant(const QJsonObject &row)>;

    QString header;
    Text text;
    Key sortKey; // empty: the text, case-insensitively (names A→Z whatever their case)

    // A row's string field.
    static Text value(const QString &jsonKey);
    // A name or other text.
    static Column of(const QString &header, Text text);
    // A time (RFC 3339 as sent): shown short and local, sorted by the instant.
    static Column time(const QString &header, Text rfc3339);
    // A limit; 0, none or less shows `noneText` (e.g. "unlimited") and sorts after every number.
    static Column limit(const QString &header, const QString &jsonKey, const QString &noneText);
    // A number, sorted numerically (empty when the row has none).
    static Column number(const QString &header, const QString &jsonKey);
};

// The JSON rows of an admin API list as a table (every page but the inbox shows one, behind a
// QSortFilterProxyModel sorting by SortRole). Replaced wholesale by each answer of the server.
class RowsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int RowRole = Qt::UserRole + 1; // the row's JSON object
    static constexpr int SortRole = Qt::UserRole + 2; // what a column sorts by

    explicit RowsModel(QList<Column> columns, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setRows(const QList<QJsonObject> &rows);
    QJsonObject row(int row) const;
    // The row whose first column shows `text`, or -1.
    int find(const QString &text) const;

    // RFC 3339 → the local short format ("" when it is not a time).
    static QString shortTime(const QString &rfc3339);

private:
    struct Row
    {
        QJsonObject json;
        QStringList texts;
        QVariantList keys;
    };

    QList<Column> m_columns;
    QList<Row> m_rows;
};

} // namespace tap::console
