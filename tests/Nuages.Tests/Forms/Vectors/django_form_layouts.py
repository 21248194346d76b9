#!/usr/bin/python3
"""Whole forms as Django 5.2 renders them ({{ form }} = as_div, as_p, as_table, as_ul), for RenderingTests.

Run with Debian's python3-django (3.2.25): `/usr/bin/python3 django_form_layouts.py > django_form_layouts.json`.

Django 3.2 builds as_p/as_table/as_ul in Python and has neither as_div nor 5.x's accessibility attributes, so the
HTML here is made the way Django 5.2 makes it: Django 5.2's form templates (below, byte for byte as in
django/forms/templates/django/forms/ of 5.2: div.html, field.html, p.html, table.html, ul.html, label.html,
attrs.html, errors/list/ul.html, and the <div>-based widgets/multiple_input.html and input_option.html of 4.0+),
rendered by Django 3.2's template engine, which renders every tag and filter they use as 5.2's does; and the
context 5.2's Python gives them, written below after django/forms/forms.py and boundfield.py of 5.2:
Form.get_context, BoundField.build_widget_attrs (aria-invalid, aria-describedby), aria_describedby,
as_field_group, use_fieldset, label_tag/legend_tag through label.html, ErrorList.field_id, and RadioSelect's
id_for_label without an index (4.1+: no for= on the legend). Widget templates not listed (input, textarea,
select, option) are 3.2's, unchanged in 5.2.
"""
import json
import os
import tempfile

TEMPLATES = {
    "django/forms/div.html": """{{ errors }}
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
    "django/forms/field.html": """{% if field.use_fieldset %}
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
    "django/forms/p.html": """{{ errors }}
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
    "django/forms/table.html": """{% if errors %}
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
    "django/forms/ul.html": """{% if errors %}
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
    "django/forms/label.html": """{% if use_tag %}<{{ tag }}{% include 'django/forms/attrs.html' %}>{{ label }}</{{ tag }}>{% else %}{{ label }}{% endif %}""",
    "django/forms/attrs.html": """{% for name, value in attrs.items %}{% if value is not False %} {{ name }}{% if value is not True %}="{{ value|stringformat:'s' }}"{% endif %}{% endif %}{% endfor %}""",
    "django/forms/errors/list/ul.html": """{% if errors %}<ul class="{{ error_class }}"{% if errors.field_id %} id="{{ errors.field_id }}_error"{% endif %}>{% for error in errors %}<li>{{ error }}</li>{% endfor %}</ul>{% endif %}""",
    "django/forms/widgets/multiple_input.html": """{% with id=widget.attrs.id %}<div{% if id %} id="{{ id }}"{% endif %}{% if widget.attrs.class %} class="{{ widget.attrs.class }}"{% endif %}>{% for group, options, index in widget.optgroups %}{% if group %}
  <div><label>{{ group }}</label>{% endif %}{% for option in options %}<div>
    {% include option.template_name with widget=option %}</div>{% endfor %}{% if group %}
  </div>{% endif %}{% endfor %}
</div>{% endwith %}
""",
    "django/forms/widgets/input_option.html": """{% if widget.wrap_label %}<label{% if widget.attrs.id %} for="{{ widget.attrs.id }}"{% endif %}>{% endif %}{% include "django/forms/widgets/input.html" %}{% if widget.wrap_label %} {{ widget.label }}</label>{% endif %}
""",
}

folder = tempfile.mkdtemp()
for name, text in TEMPLATES.items():
    os.makedirs(os.path.join(folder, os.path.dirname(name)), exist_ok=True)
    with open(os.path.join(folder, name), "w") as f:
        f.write(text)

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(
    USE_TZ=True, TIME_ZONE="UTC", USE_I18N=False, INSTALLED_APPS=["django.forms"],
    FORM_RENDERER="django.forms.renderers.TemplatesSetting",
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [folder], "APP_DIRS": True}],
)
django.setup()

from django import forms  # noqa: E402
from django.forms.boundfield import BoundField  # noqa: E402
from django.forms.renderers import get_default_renderer  # noqa: E402
from django.forms.utils import ErrorList  # noqa: E402
from django.forms.widgets import ChoiceWidget  # noqa: E402
from django.utils.html import format_html  # noqa: E402
from django.utils.safestring import mark_safe  # noqa: E402


def render(renderer, template, context):
    return mark_safe(renderer.render(template, context))


# ErrorList: rendered by errors/list/ul.html, with the field's id (5.2)
ErrorList.field_id = None
ErrorList.__str__ = ErrorList.as_ul = lambda self: render(get_default_renderer(), "django/forms/errors/list/ul.html",
                                                          {"errors": self, "error_class": self.error_class})
ErrorList.__html__ = lambda self: str(self)

# widgets rendered in a fieldset (4.1+), and a radio's label pointing at no input (4.1+)
forms.Widget.use_fieldset = False
forms.RadioSelect.use_fieldset = True
forms.CheckboxSelectMultiple.use_fieldset = True
forms.RadioSelect.id_for_label = lambda self, id_, index=None: "" if index is None else ChoiceWidget.id_for_label(self, id_, index)

BoundField.use_fieldset = property(lambda self: self.field.widget.use_fieldset)


def aria_describedby(self):
    if self.field.widget.attrs.get("aria-describedby"):
        return None
    described = []
    if self.auto_id and not self.is_hidden:
        if self.help_text:
            described.append(f"{self.auto_id}_helptext")
        if self.errors:
            described.append(f"{self.auto_id}_error")
    return " ".join(described)


BoundField.aria_describedby = property(aria_describedby)


def build_widget_attrs(self, attrs, widget=None):
    widget = widget or self.field.widget
    attrs = dict(attrs)
    if widget.use_required_attribute(self.initial) and self.field.required and self.form.use_required_attribute:
        attrs["required"] = True
    if self.field.disabled:
        attrs["disabled"] = True
    if not widget.is_hidden and self.errors:
        attrs["aria-invalid"] = "true"
    if not attrs.get("aria-describedby") and not self.use_fieldset:
        if self.aria_describedby:
            attrs["aria-describedby"] = self.aria_describedby
    return attrs


BoundField.build_widget_attrs = build_widget_attrs


def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
    contents = contents or self.label
    if label_suffix is None:
        label_suffix = self.field.label_suffix if self.field.label_suffix is not None else self.form.label_suffix
    if label_suffix and contents and contents[-1] not in ":?.!":
        contents = format_html("{}{}", contents, label_suffix)
    widget = self.field.widget
    id_ = widget.attrs.get("id") or self.auto_id
    if id_:
        id_for_label = widget.id_for_label(id_)
        if id_for_label:
            attrs = {**(attrs or {}), "for": id_for_label}
        if self.field.required and hasattr(self.form, "required_css_class"):
            attrs = attrs or {}
            if "class" in attrs:
                attrs["class"] += " " + self.form.required_css_class
            else:
                attrs["class"] = self.form.required_css_class
    context = {"field": self, "label": contents, "attrs": attrs, "use_tag": bool(id_), "tag": tag or "label"}
    return render(self.form.renderer, "django/forms/label.html", context)


BoundField.label_tag = label_tag
BoundField.legend_tag = lambda self, contents=None, attrs=None, label_suffix=None: label_tag(self, contents, attrs, label_suffix, tag="legend")
BoundField.as_field_group = lambda self: render(self.form.renderer, "django/forms/field.html", {"field": self})

original_full_clean = forms.BaseForm.full_clean


def full_clean(self):
    original_full_clean(self)
    for name, errors in (self._errors or {}).items():
        if name != "__all__":
            errors.field_id = self[name].auto_id


forms.BaseForm.full_clean = full_clean


def get_context(form):
    fields, hidden_fields = [], []
    top_errors = form.non_field_errors().copy()
    for name in form.fields:
        bf = form[name]
        if bf.is_hidden:
            if bf.errors:
                top_errors += ["(Hidden field %(name)s) %(error)s" % {"name": name, "error": str(e)} for e in bf.errors]
            hidden_fields.append(bf)
        else:
            fields.append((bf, bf.errors))
    return {"form": form, "fields": fields, "hidden_fields": hidden_fields, "errors": top_errors}


def layouts(form):
    return {name: str(render(form.renderer, f"django/forms/{name}.html", get_context(form))) for name in ("div", "p", "table", "ul")}


class CommentForm(forms.Form):
    name = forms.CharField(max_length=50, help_text="As shown <b>publicly</b>.")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    mood = forms.ChoiceField(choices=[("h", "Happy"), ("s", "Sad")], widget=forms.RadioSelect, help_text="How do you feel?")
    tags = forms.MultipleChoiceField(choices=[("a", "Art"), ("b", "Books")], widget=forms.CheckboxSelectMultiple, required=False)
    agree = forms.BooleanField(label="I agree.")
    next = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("name") == "Bob":
            raise forms.ValidationError("Bob may not comment.")
        return data


class StyledForm(CommentForm):
    required_css_class = "required"
    error_css_class = "error"


class OnlyHidden(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


CASES = {
    "unbound": lambda: CommentForm(initial={"name": "Ann <b>", "mood": "h", "tags": ["b"]}),
    "bound_errors": lambda: CommentForm({"name": "Ann", "mood": "s", "tags": ["a", "x"]}),
    "bound_nonfield": lambda: CommentForm({"name": "Bob", "body": "Hi", "mood": "h", "agree": "on", "next": "/"}),
    "bound_valid": lambda: CommentForm({"name": "Cy", "body": "Hi <i>", "mood": "h", "agree": "on", "next": "/done/"}),
    "styled_errors": lambda: StyledForm({"name": "Ann", "body": "Hi"}),
    "no_auto_id": lambda: CommentForm({"name": "Ann"}, auto_id=False),
    "prefixed": lambda: CommentForm(prefix="c", auto_id="f_%s", label_suffix=""),
    "only_hidden": lambda: OnlyHidden(),
    "only_hidden_errors": lambda: OnlyHidden({}),
}

out = {}
for name, make in CASES.items():
    form = make()
    if form.is_bound:
        form.is_valid()
    out[name] = layouts(form)
print(json.dumps(out, indent=1, ensure_ascii=False, sort_keys=True))
