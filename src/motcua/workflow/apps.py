from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "motcua.workflow"
    label = "workflow"
    verbose_name = "Workflow: BPMN process definitions and the engine adapter"
