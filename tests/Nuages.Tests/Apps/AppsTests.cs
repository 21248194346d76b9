using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Nuages.Apps;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Db;
using Nuages.Db.Models;

namespace Nuages.Tests.Apps.Blog
{
    public sealed class BlogConfig : AppConfig;

    public sealed class Post : Model<Post>
    {
        [MaxLength(100)] public string Title { get; set; } = "";
    }

    public sealed class BlogPost : Model<BlogPost>
    {
        [MaxLength(100)] public string Title { get; set; } = "";
    }
}

namespace Nuages.Tests.Apps.Shop
{
    public sealed class ShopApp : AppConfig
    {
        public override string Label => "store";
    }

    public sealed class Order : Model<Order>
    {
        public int Total { get; set; }
    }
}

namespace Nuages.Tests.Apps
{
    using Nuages.Tests.Apps.Blog;
    using Nuages.Tests.Apps.Shop;

    /// <summary>Installed apps: labels, their models by namespace, Django's model labels and table names, migrate.</summary>
    public class AppsTests
    {
        private static NuagesApp Create(Action<Settings> configure) =>
            NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
            {
                s.Debug = true;
                configure(s);
            });

        [Fact]
        public async Task Two_apps_own_their_models_with_djangos_labels_and_tables()
        {
            var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-apps-{Guid.NewGuid():N}.sqlite3");
            var app = Create(s =>
            {
                s.InstalledApps.Add<BlogConfig>().Add<ShopApp>();
                s.Databases["default"] = Database.Sqlite(file);
            });
            Assert.Equal(["blog", "store"], app.Apps.All.Select(a => a.Label));
            Assert.Equal([typeof(BlogPost), typeof(Post)], app.Apps.Get("blog").Models);
            Assert.Equal([typeof(Order)], app.Apps.Get("store").Models);
            Assert.Equal("Blog", app.Apps.Get("blog").VerboseName);
            Assert.Equal("blog.Post", ModelMeta.For(typeof(Post)).Label);
            Assert.Equal("blog_post", ModelMeta.For(typeof(Post)).Table);
            Assert.Equal("blog_blogpost", ModelMeta.For(typeof(BlogPost)).Table); // Django: the class name lower-cased
            Assert.Equal("store.Order", ModelMeta.For(typeof(Order)).Label);
            Assert.Equal("store_order", ModelMeta.For(typeof(Order)).Table);
            Assert.EndsWith(System.IO.Path.Combine("blog", "templates"), app.Apps.Get("blog").TemplatesDirectory);

            // migrate creates the installed apps' tables
            var output = new StringWriter();
            Assert.Equal(0, await new Nuages.Management.CommandLine(app, output, new StringWriter()).RunAsync(["migrate"], CancellationToken.None));
            await new Order { Total = 3 }.SaveAsync();
            await new Post { Title = "Hello" }.SaveAsync();
            Assert.Equal(1, await Order.Objects.CountAsync());
            Assert.Equal("Hello", (await Post.Objects.FirstAsync())!.Title);
        }

        [Fact]
        public async Task Content_types_are_stored_as_djangos_with_app_labels()
        {
            var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-apps-{Guid.NewGuid():N}.sqlite3");
            var app = Create(s =>
            {
                s.InstalledApps.Add<BlogConfig>();
                s.Databases["default"] = Database.Sqlite(file);
            });
            app.Models.Add(typeof(ContentType));
            Schema.Migrate(app.AllModels);
            ContentType.ClearCache();
            var id = await ContentType.IdForAsync(typeof(BlogPost));
            var row = await ContentType.Objects.GetAsync("pk", id);
            Assert.Equal(("blog", "blogpost"), (row.AppLabel, row.Model)); // Django's django_content_type row for blog.BlogPost
            Assert.Equal(typeof(BlogPost), row.ModelType);
            Assert.Equal("django_content_type", ModelMeta.For(typeof(ContentType)).Table);
            Assert.Equal(["app_label", "model", "id"], ModelMeta.For(typeof(ContentType)).Fields.Select(f => f.Column));
            ContentType.ClearCache();
        }

        [Fact]
        public void A_model_outside_any_app_keeps_its_snake_case_table()
        {
            Assert.Null(AppConfig.Of(typeof(Nuages.Tests.Db.OrmAuthor)));
            Assert.Equal("orm_author", ModelMeta.For(typeof(Nuages.Tests.Db.OrmAuthor)).Table);
            Assert.Equal("OrmAuthor", ModelMeta.For(typeof(Nuages.Tests.Db.OrmAuthor)).Label);
        }

        [Fact]
        public void Missing_duplicate_and_unknown_apps_fail_naming_them()
        {
            Assert.Equal("Application labels aren't unique, duplicates: blog",
                Assert.Throws<ImproperlyConfigured>(() => Create(s => s.InstalledApps.Add<BlogConfig>().Add<BlogConfig>())).Message);
            Assert.Equal("The installed app 'Nuages.Tests.Apps.Nowhere' was not found: give the full name (Namespace.Type) of an AppConfig class, or use s.InstalledApps.Add<TApp>().",
                Assert.Throws<ImproperlyConfigured>(() => Create(s => s.InstalledApps = ["Nuages.Tests.Apps.Nowhere"])).Message);
            Assert.Equal("The installed app 'Nuages.Tests.Apps.Blog.Post' is not an AppConfig: derive a class with a public parameterless constructor from Nuages.Apps.AppConfig.",
                Assert.Throws<ImproperlyConfigured>(() => Create(s => s.InstalledApps = [typeof(Post).FullName!])).Message);
            var app = Create(s => s.InstalledApps.Add<BlogConfig>());
            Assert.Equal("No installed app with label 'store'. Installed: blog.", Assert.Throws<LookupError>(() => app.Apps.Get("store")).Message);
        }

        [Fact]
        public void Installed_apps_come_from_configuration_too()
        {
            var config = new ConfigurationBuilder().AddInMemoryCollection([new("Nuages:Debug", "true"), new("Nuages:InstalledApps:0", typeof(ShopApp).FullName)]).Build();
            Assert.Equal(["store"], NuagesApp.Create([], config).Apps.All.Select(a => a.Label));
        }
    }
}
