using Nuages.Templates;

namespace Nuages.Forms;

/// <summary>
/// Renders forms, fields, widgets and error lists through templates, Django's way (django/forms/renderers.py): a
/// template of the site's own with the same name — <c>django/forms/widgets/input.html</c>,
/// <c>django/forms/div.html</c>… in its <c>Templates.Dirs</c> or an app's <c>templates</c> folder — replaces Nuages'
/// copy of Django's. Nuages' copies render what Django 5.2's render.
/// </summary>
public static class FormRenderer
{
    private static readonly Engine Builtin = new(new Conf.TemplateSettings(), [new LocMemLoader(FormTemplates.All)]);

    // PERF: which template a name resolves to, per site engine that caches its templates: a site without its own
    // copy of a form template would otherwise look for it, and fail, at every widget of every request
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Engine, System.Collections.Concurrent.ConcurrentDictionary<string, Template>> Resolved = new();

    /// <summary>Renders the template <paramref name="name"/> with <paramref name="context"/>, as HTML that is safe.</summary>
    /// <remarks>The output is trimmed, as Django's renderers strip theirs (django/forms/renderers.py).</remarks>
    public static SafeString Render(string name, object context) => new(Find(name).Render(context).Trim());

    private static Template Find(string name)
    {
        if (Conf.Site.TryCurrent?.TryFeature<Engine>() is not { } engine) return Builtin.GetTemplate(name);
        // an engine that reloads its templates (Debug) looks each time, so that a new override is seen at once
        return engine.Cached ? Resolved.GetOrCreateValue(engine).GetOrAdd(name, static (n, e) => Lookup(e, n), engine) : Lookup(engine, name);
    }

    /// <summary>The site's template of that name, else Nuages' copy of Django's.</summary>
    private static Template Lookup(Engine engine, string name)
    {
        try
        {
            return engine.GetTemplate(name);
        }
        catch (TemplateDoesNotExist)
        {
            return Builtin.GetTemplate(name);
        }
    }
}

/// <summary>
/// Django 5.2's form templates (django/forms/templates/django/forms/), each as Django's file is, to its last newline:
/// a template another includes keeps its newline in the output (a radio's label text starts a line), as in Django.
/// </summary>
internal static class FormTemplates
{
    public static readonly Dictionary<string, string> All = new(StringComparer.Ordinal)
    {
        ["django/forms/widgets/attrs.html"] =
            "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}{% endfor %}",
        ["django/forms/widgets/input.html"] =
            "<input type=\"{{ widget.type }}\" name=\"{{ widget.name }}\"{% if widget.value != None %} value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}{% include \"django/forms/widgets/attrs.html\" %}>\n",
        ["django/forms/widgets/text.html"] = "{% include \"django/forms/widgets/input.html\" %}\n",
        ["django/forms/widgets/number.html"] = "{% include \"django/forms/widgets/input.html\" %}\n",
        ["django/forms/widgets/email.html"] = "{% include \"django/forms/widgets/input.html\" %}\n",
        ["django/forms/widgets/url.html"] = "{% include \"django/forms/widgets/input.html\" %}\n",
        ["django/forms/widgets/password.html"] = "{% include \"django/forms/widgets/input.html\" %}\n",
        ["django/forms/widgets/hidden.html"] = "{% include \"django/forms/widgets/input.html\" %}\n",
        ["django/forms/widgets/date.html"] = "{% include \"django/forms/widgets/input.html\" %}\n",
        ["django/forms/widgets/datetime.html"] = "{% include \"django/forms/widgets/input.html\" %}\n",
        ["django/forms/widgets/time.html"] = "{% include \"django/forms/widgets/input.html\" %}\n",
        ["django/forms/widgets/checkbox.html"] = "{% include \"django/forms/widgets/input.html\" %}\n",
        ["django/forms/widgets/file.html"] = "{% include \"django/forms/widgets/input.html\" %}\n",
        ["django/forms/widgets/clearable_file_input.html"] =
            "{% if widget.is_initial %}{{ widget.initial_text }}: <a href=\"{{ widget.value.url }}\">{{ widget.value }}</a>{% if not widget.required %}\n<input type=\"checkbox\" name=\"{{ widget.checkbox_name }}\" id=\"{{ widget.checkbox_id }}\"{% if widget.attrs.disabled %} disabled{% endif %}>\n<label for=\"{{ widget.checkbox_id }}\">{{ widget.clear_checkbox_label }}</label>{% endif %}<br>\n{{ widget.input_text }}:{% endif %}\n<input type=\"{{ widget.type }}\" name=\"{{ widget.name }}\"{% include \"django/forms/widgets/attrs.html\" %}>\n",
        ["django/forms/widgets/textarea.html"] =
            "<textarea name=\"{{ widget.name }}\"{% include \"django/forms/widgets/attrs.html\" %}>\n{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n",
        ["django/forms/widgets/select.html"] =
            "<select name=\"{{ widget.name }}\"{% include \"django/forms/widgets/attrs.html\" %}>{% for group_name, group_choices, group_index in widget.optgroups %}{% if group_name %}\n  <optgroup label=\"{{ group_name }}\">{% endif %}{% for option in group_choices %}\n  {% include option.template_name with widget=option %}{% endfor %}{% if group_name %}\n  </optgroup>{% endif %}{% endfor %}\n</select>\n",
        ["django/forms/widgets/select_option.html"] =
            "<option value=\"{{ widget.value|stringformat:'s' }}\"{% include \"django/forms/widgets/attrs.html\" %}>{{ widget.label }}</option>\n",
        ["django/forms/widgets/multiple_input.html"] =
            "{% with id=widget.attrs.id %}<div{% if id %} id=\"{{ id }}\"{% endif %}{% if widget.attrs.class %} class=\"{{ widget.attrs.class }}\"{% endif %}>{% for group, options, index in widget.optgroups %}{% if group %}\n  <div><label>{{ group }}</label>{% endif %}{% for option in options %}<div>\n    {% include option.template_name with widget=option %}</div>{% endfor %}{% if group %}\n  </div>{% endif %}{% endfor %}\n</div>{% endwith %}\n",
        ["django/forms/widgets/input_option.html"] =
            "{% if widget.wrap_label %}<label{% if widget.attrs.id %} for=\"{{ widget.attrs.id }}\"{% endif %}>{% endif %}{% include \"django/forms/widgets/input.html\" %}{% if widget.wrap_label %} {{ widget.label }}</label>{% endif %}\n",
        ["django/forms/widgets/radio.html"] = "{% include \"django/forms/widgets/multiple_input.html\" %}\n",
        ["django/forms/widgets/radio_option.html"] = "{% include \"django/forms/widgets/input_option.html\" %}\n",
        ["django/forms/widgets/checkbox_select.html"] = "{% include \"django/forms/widgets/multiple_input.html\" %}\n",
        ["django/forms/widgets/checkbox_option.html"] = "{% include \"django/forms/widgets/input_option.html\" %}\n",
        ["django/forms/attrs.html"] =
            "{% for name, value in attrs.items %}{% if value is not False %} {{ name }}{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}{% endfor %}",
        ["django/forms/label.html"] =
            "{% if use_tag %}<{{ tag }}{% include 'django/forms/attrs.html' %}>{{ label }}</{{ tag }}>{% else %}{{ label }}{% endif %}",
        ["django/forms/errors/list/ul.html"] =
            "{% if errors %}<ul class=\"{{ error_class }}\"{% if errors.field_id %} id=\"{{ errors.field_id }}_error\"{% endif %}>{% for error in errors %}<li>{{ error }}</li>{% endfor %}</ul>{% endif %}",
        ["django/forms/field.html"] = """
            {% if field.use_fieldset %}
              <fieldset{% if field.aria_describedby %} aria-describedby="{{ field.aria_describedby }}"{% endif %}>
              {% if field.label %}{{ field.legend_tag }}{% endif %}
            {% else %}
              {% if field.label %}{{ field.label_tag }}{% endif %}
            {% endif %}
            {% if field.help_text %}<div class="helptext"{% if field.auto_id %} id="{{ field.auto_id }}_helptext"{% endif %}>{{ field.help_text|safe }}</div>{% endif %}
            {{ field.errors }}
            {{ field }}
            {% if field.use_fieldset %}</fieldset>{% endif %}

            """,
        ["django/forms/div.html"] = """
            {{ errors }}
            {% if errors and not fields %}
              <div>{% for field in hidden_fields %}{{ field }}{% endfor %}</div>
            {% endif %}
            {% for field, errors in fields %}
              <div{% with classes=field.css_classes %}{% if classes %} class="{{ classes }}"{% endif %}{% endwith %}>
                {{ field.as_field_group }}
                {% if forloop.last %}
                  {% for field in hidden_fields %}{{ field }}{% endfor %}
                {% endif %}
            </div>
            {% endfor %}
            {% if not fields and not errors %}
              {% for field in hidden_fields %}{{ field }}{% endfor %}
            {% endif %}

            """,
        ["django/forms/p.html"] = """
            {{ errors }}
            {% if errors and not fields %}
              <p>{% for field in hidden_fields %}{{ field }}{% endfor %}</p>
            {% endif %}
            {% for field, errors in fields %}
              {{ errors }}
              <p{% with classes=field.css_classes %}{% if classes %} class="{{ classes }}"{% endif %}{% endwith %}>
                {% if field.label %}{{ field.label_tag }}{% endif %}
                {{ field }}
                {% if field.help_text %}
                  <span class="helptext"{% if field.auto_id %} id="{{ field.auto_id }}_helptext"{% endif %}>{{ field.help_text|safe }}</span>
                {% endif %}
                {% if forloop.last %}
                  {% for field in hidden_fields %}{{ field }}{% endfor %}
                {% endif %}
              </p>
            {% endfor %}
            {% if not fields and not errors %}
              {% for field in hidden_fields %}{{ field }}{% endfor %}
            {% endif %}

            """,
        ["django/forms/table.html"] = """
            {% if errors %}
              <tr>
                <td colspan="2">
                  {{ errors }}
                  {% if not fields %}
                    {% for field in hidden_fields %}{{ field }}{% endfor %}
                  {% endif %}
                </td>
              </tr>
            {% endif %}
            {% for field, errors in fields %}
              <tr{% with classes=field.css_classes %}{% if classes %} class="{{ classes }}"{% endif %}{% endwith %}>
                <th>{% if field.label %}{{ field.label_tag }}{% endif %}</th>
                <td>
                  {{ errors }}
                  {{ field }}
                  {% if field.help_text %}
                    <br>
                    <span class="helptext"{% if field.auto_id %} id="{{ field.auto_id }}_helptext"{% endif %}>{{ field.help_text|safe }}</span>
                  {% endif %}
                  {% if forloop.last %}
                    {% for field in hidden_fields %}{{ field }}{% endfor %}
                  {% endif %}
                </td>
              </tr>
            {% endfor %}
            {% if not fields and not errors %}
              {% for field in hidden_fields %}{{ field }}{% endfor %}
            {% endif %}

            """,
        ["django/forms/ul.html"] = """
            {% if errors %}
              <li>
                {{ errors }}
              {% if not fields %}
                {% for field in hidden_fields %}{{ field }}{% endfor %}
              {% endif %}
              </li>
            {% endif %}
            {% for field, errors in fields %}
              <li{% with classes=field.css_classes %}{% if classes %} class="{{ classes }}"{% endif %}{% endwith %}>
                {{ errors }}
                {% if field.label %}{{ field.label_tag }}{% endif %}
                {{ field }}
                {% if field.help_text %}
                  <span class="helptext"{% if field.auto_id %} id="{{ field.auto_id }}_helptext"{% endif %}>{{ field.help_text|safe }}</span>
                {% endif %}
                {% if forloop.last %}
                  {% for field in hidden_fields %}{{ field }}{% endfor %}
                {% endif %}
              </li>
            {% endfor %}
            {% if not fields and not errors %}
              {% for field in hidden_fields %}{{ field }}{% endfor %}
            {% endif %}

            """,
    };
}
