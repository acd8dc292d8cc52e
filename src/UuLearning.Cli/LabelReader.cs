using System.Globalization;

namespace UuLearning.Cli;

/// <summary>Reads label cells with the library's parser, failing with the first bad value and its row.</summary>
internal static class LabelReader
{
    /// <summary>Reads a column of pseudo-labels; empty cells are abstentions.</summary>
    public static PseudoLabel[] ReadPseudoLabels(CsvTable table, int column, string columnName, string[] ids, string? positive, string? negative)
    {
        var labels = new PseudoLabel[table.Count];
        for (int r = 0; r < table.Count; r++)
        {
            string value = table.Rows[r][column];
            if (!PrecomputedPseudoLabeler.TryParseLabel(value, positive, negative, out labels[r]))
            {
                throw BadValue(table, r, ids[r], value, columnName, positive, negative, allowEmpty: true);
            }
        }
        return labels;
    }

    /// <summary>Reads a column of gold labels; empty cells mean "no gold label" (null).</summary>
    public static bool?[] ReadGold(CsvTable table, int column, string columnName, string[] ids, string? positive, string? negative)
    {
        var gold = new bool?[table.Count];
        for (int r = 0; r < table.Count; r++)
        {
            string value = table.Rows[r][column];
            if (!PrecomputedPseudoLabeler.TryParseLabel(value, positive, negative, out var label))
            {
                throw BadValue(table, r, ids[r], value, columnName, positive, negative, allowEmpty: true);
            }
            gold[r] = label switch
            {
                PseudoLabel.Positive => true,
                PseudoLabel.Negative => false,
                _ => null,
            };
        }
        return gold;
    }

    public static CliException BadValue(CsvTable table, int row, string id, string value, string columnName, string? positive, string? negative, bool allowEmpty)
    {
        string names = positive is not null || negative is not null
            ? $", {positive ?? "positive"}/{negative ?? "negative"}"
            : " (or name the classes with --positive/--negative)";
        string empty = allowEmpty ? ", or leave it empty" : string.Empty;
        return new CliException(string.Create(CultureInfo.InvariantCulture,
            $"Unreadable label '{value}' in column '{columnName}' of '{table.Path}', data row {row + 1} (id '{id}'): use 1/0, true/false, yes/no{names}{empty}."));
    }
}
