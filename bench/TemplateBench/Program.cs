using System.Diagnostics;
using System.Globalization;
using Fluid;
using Fluid.Values;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Nuages;
using Nuages.Conf;
using Nuages.Http;
using Nuages.Templates;

// A typical page — a 20-row table with a loop, if, filters, url, an extends chain of 2 and an include — rendered
// by Nuages' template language and by Fluid (the fastest .NET Liquid engine) from the equivalent Liquid templates
// (Liquid has no inheritance: the chain is captures and includes). Each engine renders in turn, three rounds; the
// figures are the median time per render and the bytes allocated per render on the rendering thread.
var root = System.IO.Path.Combine(AppContext.BaseDirectory, "templates");
var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
{
    s.SecretKey = "benchmark-only";
    s.Templates.Dirs.Add(System.IO.Path.Combine(root, "dtl"));
});
app.UrlPatterns(Nuages.Urls.Routes.Path("items/<int:id>/", (HttpRequest r, int id) => new HttpResponse(""), name: "item"));

var items = Enumerable.Range(1, 20).Select(i => new Item(i, $"widget number {i}", 9.5m + i * 1.25m, i % 3 != 0, ["blue", "small", $"t{i}"])).ToList();
var nav = new[] { new Link("/", "Home"), new Link("/shop/", "Shop"), new Link("/about/", "About") };

// Nuages
var page = Engine.Current.GetTemplate("page.html");
var dtlContext = new Dictionary<string, object?>
{
    ["title"] = "Products & prices", ["site_name"] = "nuages shop", ["year"] = 2026, ["items"] = items, ["nav"] = nav, ["note"] = "<prices include tax>",
};
string RenderNuages() => page.Render(dtlContext);

// Fluid
var options = new TemplateOptionsBuilder()
    .WithFileProvider(new FileProviderTemplateFileProvider(new PhysicalFileProvider(System.IO.Path.Combine(root, "liquid"))))
    .ConfigureMemberAccess(m =>
    {
        m.Register<Item, object>("id", i => i.Id);
        m.Register<Item, object>("name", i => i.Name);
        m.Register<Item, object>("price", i => i.Price);
        m.Register<Item, object>("in_stock", i => i.InStock);
        m.Register<Item, object>("tags", i => i.Tags);
        m.Register<Link, object>("url", l => l.Url);
        m.Register<Link, object>("title", l => l.Title);
    })
    .AddFilter("item_url", (input, arguments, context) =>
        new ValueTask<FluidValue>(StringValue.Create($"/items/{input.ToNumberValue(context).ToString(CultureInfo.InvariantCulture)}/")))
    .Build();
var parser = new FluidParser();
var liquid = parser.Parse(File.ReadAllText(System.IO.Path.Combine(root, "liquid", "page.liquid")));
var encoder = System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
string RenderFluid()
{
    var context = new TemplateContext(options, StringComparer.Ordinal);
    context.SetValue("title", FluidValue.Create("Products & prices", options));
    context.SetValue("site_name", FluidValue.Create("nuages shop", options));
    context.SetValue("year", FluidValue.Create(2026, options));
    context.SetValue("items", FluidValue.Create(items, options));
    context.SetValue("nav", FluidValue.Create(nav, options));
    context.SetValue("note", FluidValue.Create("<prices include tax>", options));
    return liquid.Render(context, encoder);
}

if (args.Contains("--parts"))
{
    foreach (var snippet in new[]
    {
        "{% for item in items %}x{% endfor %}",
        "{% for item in items %}x{% endfor %}",
        "x",
        "{{ title }}",
        "{% for item in items %}{{ item.name }}{% endfor %}",
        "{% for item in items %}{{ item.price }}{% endfor %}",
        "{% for item in items %}{{ item.price|floatformat:2 }}{% endfor %}",
        "{% for item in items %}{{ item.name|title }}{% endfor %}",
        "{% for item in items %}{{ item.tags|join:', ' }}{% endfor %}",
        "{% for item in items %}{% url 'item' item.id %}{% endfor %}",
        "{% for item in items %}{% if forloop.counter|divisibleby:2 %}a{% endif %}{% endfor %}",
        "{% for item in items %}{% if item.in_stock %}a{% endif %}{% endfor %}",
        "{% for item in items %}{% include 'empty.html' %}{% endfor %}",
        "{% extends 'base.html' %}",
        "{% extends 'layout.html' %}",
    })
    {
        var t = Engine.Current.FromString(snippet);
        for (var r = 0; r < 3; r++) { for (var i = 0; i < 20000; i++) t.Render(dtlContext); Thread.Sleep(200); }
        var before = GC.GetAllocatedBytesForCurrentThread();
        var w = Stopwatch.StartNew();
        for (var i = 0; i < 20000; i++) t.Render(dtlContext);
        Console.WriteLine($"{w.Elapsed.TotalMicroseconds / 20000,8:F2} µs {(GC.GetAllocatedBytesForCurrentThread() - before) / 20000,8} B  {snippet}");
    }
    return;
}
var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
Console.WriteLine($"Nuages output: {RenderNuages().Length} chars; Fluid output: {RenderFluid().Length} chars");
if (args.Contains("--show")) { Console.WriteLine(RenderNuages()); Console.WriteLine(RenderFluid()); return; }
var results = new Dictionary<string, List<(double Micros, double Bytes)>> { ["nuages"] = [], ["fluid"] = [] };
for (var round = 0; round < 3; round++)
{
    foreach (var (name, render) in new (string, Func<string>)[] { ("nuages", RenderNuages), ("fluid", RenderFluid) })
    {
        for (var i = 0; i < iterations / 4; i++) render(); // warm-up
        GC.Collect();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) render();
        watch.Stop();
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        results[name].Add((watch.Elapsed.TotalMicroseconds / iterations, (double)bytes / iterations));
    }
}
foreach (var (name, runs) in results)
{
    var micros = runs.Select(r => r.Micros).Order().ElementAt(1);
    var bytes = runs.Select(r => r.Bytes).Order().ElementAt(1);
    Console.WriteLine($"{name,-8} {micros,8:F2} µs/render {bytes,10:F0} B/render");
}

internal sealed record Item(int Id, string Name, decimal Price, bool InStock, List<string> Tags);

internal sealed record Link(string Url, string Title);
