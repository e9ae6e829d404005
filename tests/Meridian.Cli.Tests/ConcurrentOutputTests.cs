namespace Meridian.Cli.Tests;

public sealed class ConcurrentOutputTests
{
    [Fact]
    public async Task Reading_while_several_threads_write_sees_only_whole_lines_and_in_the_end_every_line()
    {
        const int Writers = 4, Lines = 5_000;
        var output = new ConcurrentOutput();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < Lines; i++)
            {
                if (i % 2 == 0)
                    output.WriteLine($"writer {w} line {i}");
                else
                    await output.WriteLineAsync($"writer {w} line {i}");
            }
        })).ToArray();
        var reads = 0;
        while (!writers.All(t => t.IsCompleted))
        {
            var text = output.ToString();
            Assert.True(text.Length == 0 || text[^1] == '\n', "a read saw a line without its end");
            reads++;
        }
        await Task.WhenAll(writers);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Writers * Lines, lines.Length);
        for (var w = 0; w < Writers; w++)
        {
            // Each writer's lines arrive in the order it wrote them.
            var own = lines.Where(l => l.StartsWith($"writer {w} ", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, Lines).Select(i => $"writer {w} line {i}"), own);
        }
        Assert.True(reads > 0);
    }
}
