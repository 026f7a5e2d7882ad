from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "ข้อมูลตัวอย่าง (Demo data)"
