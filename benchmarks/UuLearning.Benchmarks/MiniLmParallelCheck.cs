using System.Globalization;
using UuLearning.Tests;

namespace UuLearning.Benchmarks;

/// <summary><c>minilm-parallel-check</c>: embeds all 1,956 bundled YouTube comments with the default generator
/// (batch-parallel, padding limit), the default before it (one batch after another on all intra-op threads, no padding
/// limit), and variants (no padding limit, shared session, one thread), and prints each one's minimum cosine to the old default and how many vectors are bit for
/// bit equal to it; a second default run checks that the default is deterministic.</summary>
internal static class MiniLmParallelCheck
{
    public static int Run()
    {
        var inv = CultureInfo.InvariantCulture;
        var texts = CsvTexts.YoutubeSpam();
        float[][] Embed(MiniLmEmbeddingGenerator generator)
        {
            using (generator)
            {
                return [.. generator.GenerateAsync(texts).GetAwaiter().GetResult().Select(e => e.Vector.ToArray())];
            }
        }

        var sequential = Embed(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions(), null, MiniLmBatchParallelism.None) { MaxPadding = double.PositiveInfinity });
        var runs = new (string Name, float[][] Vectors)[]
        {
            ("new-default", Embed(new MiniLmEmbeddingGenerator())),
            ("new-nopad", Embed(new MiniLmEmbeddingGenerator { MaxPadding = double.PositiveInfinity })),
            ("new-default again", Embed(new MiniLmEmbeddingGenerator())),
            ("new-shared", Embed(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions(), null, MiniLmBatchParallelism.SharedSession))),
            ("new-1", Embed(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1 }))),
            ("new-1-nopad", Embed(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1 }) { MaxPadding = double.PositiveInfinity })),
        };
        Console.WriteLine(string.Create(inv, $"# {texts.Count} YouTube comments, processors {Environment.ProcessorCount}; against new-sequential (the default before: one batch after another, no padding limit)"));
        foreach (var (name, vectors) in runs)
        {
            var cosines = vectors.Zip(sequential, (a, b) => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b)).ToArray();
            var equal = vectors.Zip(sequential, (a, b) => a.AsSpan().SequenceEqual(b)).Count(x => x);
            Console.WriteLine(string.Create(inv, $"{name,-18} min cosine {cosines.Min():0.0000000}  bit-equal {equal} of {texts.Count}"));
        }

        var again = runs[0].Vectors.Zip(runs[1].Vectors, (a, b) => a.AsSpan().SequenceEqual(b)).Count(x => x);
        Console.WriteLine(string.Create(inv, $"new-default run twice: bit-equal {again} of {texts.Count}"));
        return 0;
    }
}
